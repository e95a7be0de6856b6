using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>A <see cref="LoginIdentity"/> from what Google's userinfo endpoint or an OpenID Connect provider's tokens say.</summary>
internal static class ProviderUsers
{
    /// <summary>Google's userinfo: <c>sub</c>, <c>email</c>, <c>email_verified</c> (an unverified address is no address).</summary>
    public static LoginIdentity Google(JsonElement user)
    {
        var email = Text(user, "email") ?? throw new LoginProviderException("Google's userinfo gave no email address (is the email scope granted?)");
        var verified = user.TryGetProperty("email_verified", out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.String && v.GetString() == "true");
        return new LoginIdentity("google", email, Text(user, "sub") ?? Text(user, "id") ?? email, verified ? [email] : []);
    }

    /// <summary>
    /// The id token's and userinfo's claims (kept under their JWT names): <c>sub</c>, <c>email</c> unless
    /// <c>email_verified</c> says false (providers that never send it, such as Entra ID, are believed),
    /// <c>preferred_username</c>, and the values of <paramref name="rolesClaim"/> (a JSON array or repeated claims).
    /// </summary>
    public static LoginIdentity Oidc(ClaimsPrincipal principal, string? rolesClaim)
    {
        var subject = principal.FindFirst("sub")?.Value ?? throw new LoginProviderException("the provider's id token has no sub claim");
        var email = principal.FindFirst("email")?.Value;
        var unverified = principal.FindFirst("email_verified")?.Value is "false" or "False";
        var emails = email is null || unverified ? ImmutableArray<string>.Empty : [email];
        var roles = rolesClaim is null ? [] : principal.FindAll(rolesClaim).SelectMany(c => Values(c.Value)).Distinct().ToImmutableArray();
        return new LoginIdentity("oidc", email ?? principal.FindFirst("preferred_username")?.Value ?? subject, subject, emails) { Roles = roles };
    }

    private static string? Text(JsonElement json, string key) =>
        json.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>A claim value that is itself a JSON array (how some handlers keep an array claim) counts as its elements.</summary>
    private static IEnumerable<string> Values(string value)
    {
        if (!value.StartsWith('[')) return [value];
        try
        {
            return JsonSerializer.Deserialize(value, LoginIdentityJson.Default.StringArray) ?? [];
        }
        catch (JsonException)
        {
            return [value];
        }
    }
}
