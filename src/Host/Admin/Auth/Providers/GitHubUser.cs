using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// GitHub's side of a login, after the code exchange: the user (<c>/user</c>), their verified emails
/// (<c>/user/emails</c>) and, when an allow-list or role rule asks for them, their orgs and teams
/// (<c>/user/orgs</c>, <c>/user/teams</c>, first 100 each), all under <c>api_url</c>.
/// </summary>
internal static class GitHubUser
{
    public const string DefaultApiUrl = "https://api.github.com";

    public static bool NeedsOrgs(AdminAuthOptions auth) =>
        auth.GitHub is { } github && (!github.AllowedOrgs.IsEmpty || !github.AllowedTeams.IsEmpty || auth.Roles.Any(r => r.Kind is "github-org" or "github-team"));

    public static async Task ReadAsync(OAuthCreatingTicketContext context, string apiUrl, bool orgs)
    {
        using var user = await GetAsync(context, context.Options.UserInformationEndpoint);
        var root = user.RootElement;
        var login = root.TryGetProperty("login", out var l) && l.GetString() is { Length: > 0 } name ? name : throw new LoginProviderException("GitHub's user endpoint gave no login");
        var id = root.TryGetProperty("id", out var i) ? i.ToString() : login;
        using var emails = await GetAsync(context, apiUrl + "/user/emails");
        var verified = emails.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("verified", out var v) && v.ValueKind == JsonValueKind.True)
            .Select(e => e.GetProperty("email").GetString()).OfType<string>().ToImmutableArray();
        var identity = new LoginIdentity("github", login, id, verified);
        if (orgs)
        {
            using var orgList = await GetAsync(context, apiUrl + "/user/orgs?per_page=100");
            using var teamList = await GetAsync(context, apiUrl + "/user/teams?per_page=100");
            identity = identity with
            {
                Orgs = [.. orgList.RootElement.EnumerateArray().Select(o => o.GetProperty("login").GetString()).OfType<string>()],
                Teams = [.. teamList.RootElement.EnumerateArray().Select(t => $"{t.GetProperty("organization").GetProperty("login").GetString()}/{t.GetProperty("slug").GetString()}")],
            };
        }
        context.Identity!.AddClaim(new Claim(LoginClaims.Identity, identity.ToJson()));
    }

    private static async Task<JsonDocument> GetAsync(OAuthCreatingTicketContext context, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.UserAgent.ParseAdd("FlowBalance"); // GitHub's API refuses requests without one
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode) throw new LoginProviderException($"GitHub's API answered {(int)response.StatusCode} for {url}");
        try
        {
            return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(context.HttpContext.RequestAborted), cancellationToken: context.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            throw new LoginProviderException($"GitHub's API answered {url} with something that is not JSON");
        }
    }
}

/// <summary>A provider answered something a login cannot go on with; the message is shown and audited (no stack trace).</summary>
public sealed class LoginProviderException(string message) : Exception(message);
