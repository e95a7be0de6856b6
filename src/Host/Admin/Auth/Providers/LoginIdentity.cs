using System.Collections.Immutable;
using System.Text.Json;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// What a login provider said about a user, at login: kept with the session (as JSON) so that each
/// request judges it against the roles and allow-lists running now. <see cref="Emails"/> holds only
/// addresses the provider verified; <see cref="Orgs"/>, <see cref="Teams"/> (<c>org/team</c>) are GitHub's,
/// <see cref="Roles"/> the OpenID Connect <c>roles_claim</c> values.
/// </summary>
public sealed record LoginIdentity(string Provider, string Login, string Subject, ImmutableArray<string> Emails)
{
    public ImmutableArray<string> Orgs { get; init; } = [];
    public ImmutableArray<string> Teams { get; init; } = [];
    public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary>Who this is in the audit log and the dashboard: <c>github:octocat</c>, <c>google:ops@example.com</c>, <c>oidc:ops@example.com</c>.</summary>
    public string Name => $"{Provider}:{Login}";

    public string ToJson() => JsonSerializer.Serialize(this, LoginIdentityJson.Default.LoginIdentity);

    public static LoginIdentity? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize(json, LoginIdentityJson.Default.LoginIdentity);
        }
        catch (JsonException)
        {
            return null; // a row no build can read is a session nobody can use
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(LoginIdentity))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class LoginIdentityJson : System.Text.Json.Serialization.JsonSerializerContext;
