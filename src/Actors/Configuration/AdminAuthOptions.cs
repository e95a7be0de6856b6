using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>admin.auth { github, google, oidc, roles, recheck }</c>: who may log in to the admin plane with
/// which provider, and with which role. No provider: the admin token is the only way in.
/// </summary>
public sealed record AdminAuthOptions(GitHubLoginOptions? GitHub, GoogleLoginOptions? Google, OidcLoginOptions? Oidc, ImmutableArray<RoleRule> Roles, TimeSpan Recheck)
{
    public static readonly TimeSpan DefaultRecheck = TimeSpan.FromHours(1);

    public static readonly AdminAuthOptions None = new(null, null, null, [], DefaultRecheck);

    /// <summary>The configured providers by their scheme name (<c>github</c>, <c>google</c>, <c>oidc</c>), in that order.</summary>
    public IEnumerable<string> Providers =>
        new[] { GitHub is null ? null : "github", Google is null ? null : "google", Oidc is null ? null : "oidc" }.OfType<string>();
}

/// <summary>
/// One entry of <c>admin.auth.roles</c>: <see cref="Role"/> (viewer, operator, admin) for callers matching
/// <see cref="Kind"/>:<see cref="Value"/>: <c>github:login</c>, <c>github-org:org</c>, <c>github-team:org/team</c>,
/// <c>google:email</c>, <c>oidc:email-or-subject</c>, <c>oidc-role:value</c>, a plain <c>email</c>, or <c>*@domain</c>.
/// </summary>
public sealed record RoleRule(string Role, string Kind, string Value)
{
    public const string Email = "email", Domain = "domain";

    /// <summary>The kinds and the providers whose users they can match.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Kinds = new Dictionary<string, string[]>
    {
        ["github"] = ["github"], ["github-org"] = ["github"], ["github-team"] = ["github"],
        ["google"] = ["google"], ["oidc"] = ["oidc"], ["oidc-role"] = ["oidc"],
        [Email] = ["github", "google", "oidc"], [Domain] = ["github", "google", "oidc"],
    };

    public override string ToString() => Kind switch { Email => Value, Domain => "*@" + Value, _ => $"{Kind}:{Value}" };
}

/// <summary>
/// <c>admin.auth.github</c>: an OAuth app's id and secret, who may log in (users, orgs, <c>org/team</c>),
/// and GitHub's endpoints (overridable for GitHub Enterprise and for tests; null = github.com's).
/// </summary>
public sealed record GitHubLoginOptions(string ClientId, string ClientSecret, ImmutableArray<string> AllowedUsers, ImmutableArray<string> AllowedOrgs, ImmutableArray<string> AllowedTeams)
{
    public string? AuthorizationEndpoint { get; init; }
    public string? TokenEndpoint { get; init; }
    public string? UserInformationEndpoint { get; init; }

    /// <summary><c>api_url</c>: the root of GitHub's REST API for the emails, orgs and teams calls.</summary>
    public string? ApiUrl { get; init; }
}

/// <summary><c>admin.auth.google</c>: an OAuth client's id and secret, who may log in (email domains, emails), Google's endpoints (null = Google's).</summary>
public sealed record GoogleLoginOptions(string ClientId, string ClientSecret, ImmutableArray<string> AllowedDomains, ImmutableArray<string> AllowedEmails)
{
    public string? AuthorizationEndpoint { get; init; }
    public string? TokenEndpoint { get; init; }
    public string? UserInformationEndpoint { get; init; }
}

/// <summary>
/// <c>admin.auth.oidc</c>: any OpenID Connect provider by its issuer (<see cref="Authority"/>; its endpoints
/// come from its discovery document), who may log in, and the claim whose values name FlowBalance roles.
/// </summary>
public sealed record OidcLoginOptions(string Authority, string ClientId, string ClientSecret, ImmutableArray<string> AllowedEmails, ImmutableArray<string> AllowedDomains)
{
    /// <summary><c>roles_claim</c>: values <c>viewer</c>, <c>operator</c>, <c>admin</c> grant that role; others match <c>oidc-role:</c> rules.</summary>
    public string? RolesClaim { get; init; }

    /// <summary><c>display_name</c>: the login button's label ("Log in with …").</summary>
    public string DisplayName { get; init; } = "single sign-on";
}
