using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Reads <c>admin.auth { }</c>. A provider that names nobody who may log in is an error: FlowBalance
/// never lets every GitHub or Google user in. A missing <c>client_secret</c> is read from
/// <c>FLOWBALANCE_&lt;PROVIDER&gt;_CLIENT_SECRET</c> (or write <c>client_secret = ${?NAME}</c>).
/// </summary>
internal static class AdminAuthReader
{
    public static readonly string[] Keys = ["github", "google", "oidc", "roles", "recheck"];
    private static readonly string[] Endpoints = ["authorization_endpoint", "token_endpoint", "user_information_endpoint"];
    private static readonly string[] GitHubKeys = ["client_id", "client_secret", "allowed_users", "allowed_orgs", "allowed_teams", "api_url", .. Endpoints];
    private static readonly string[] GoogleKeys = ["client_id", "client_secret", "allowed_domains", "allowed_emails", .. Endpoints];
    private static readonly string[] OidcKeys = ["authority", "client_id", "client_secret", "allowed_emails", "allowed_domains", "roles_claim", "display_name"];
    private static readonly string[] RoleNames = ["viewer", "operator", "admin"];

    public static AdminAuthOptions Read(ConfigNode? section, Func<string, string?> environment)
    {
        if (section is not { } node) return AdminAuthOptions.None;
        if (!node.IsObject) return node.Fail<AdminAuthOptions>("expected an object { github { client_id, client_secret, allowed_orgs }, roles { admin = [\"github:octocat\"] } }") ?? AdminAuthOptions.None;
        ConfigKeys.CheckUnknown(node, Keys);
        var roles = node.Child("roles") is { } r ? ReadRoles(r) : [];
        var auth = new AdminAuthOptions(
            node.Child("github") is { } g ? ReadGitHub(g, environment) : null,
            node.Child("google") is { } o ? ReadGoogle(o, environment) : null,
            node.Child("oidc") is { } i ? ReadOidc(i, environment) : null,
            roles,
            node.Child("recheck")?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)) ?? AdminAuthOptions.DefaultRecheck);
        foreach (var rule in roles.Where(rule => !RoleRule.Kinds[rule.Kind].Any(p => auth.Providers.Contains(p))))
        {
            node.Errors.Add($"{node.Path}.roles.{rule.Role}", $"'{rule}' matches {string.Join(" or ", RoleRule.Kinds[rule.Kind])} users, but that provider is not configured in admin.auth");
        }
        bool Named(string provider) => roles.Any(rule => RoleRule.Kinds[rule.Kind].Contains(provider));
        if (auth.GitHub is { AllowedUsers.IsEmpty: true, AllowedOrgs.IsEmpty: true, AllowedTeams.IsEmpty: true } && !Named("github"))
        {
            node.Errors.Add($"{node.Path}.github", "names nobody who may log in: set allowed_users, allowed_orgs or allowed_teams, or name GitHub users in admin.auth.roles (FlowBalance never lets every GitHub user in)");
        }
        if (auth.Google is { AllowedDomains.IsEmpty: true, AllowedEmails.IsEmpty: true } && !Named("google"))
        {
            node.Errors.Add($"{node.Path}.google", "names nobody who may log in: set allowed_domains or allowed_emails, or name Google users in admin.auth.roles (FlowBalance never lets every Google account in)");
        }
        if (auth.Oidc is { AllowedDomains.IsEmpty: true, AllowedEmails.IsEmpty: true, RolesClaim: null } && !Named("oidc"))
        {
            node.Errors.Add($"{node.Path}.oidc", "names nobody who may log in: set allowed_emails, allowed_domains or roles_claim, or name users in admin.auth.roles");
        }
        return auth;
    }

    private static GitHubLoginOptions? ReadGitHub(ConfigNode node, Func<string, string?> environment)
    {
        if (!Provider(node, GitHubKeys, "github", environment, out var id, out var secret)) return null;
        var options = new GitHubLoginOptions(id, secret, Names(node, "allowed_users"), Names(node, "allowed_orgs"), Names(node, "allowed_teams"))
        {
            AuthorizationEndpoint = Url(node, "authorization_endpoint"),
            TokenEndpoint = Url(node, "token_endpoint"),
            UserInformationEndpoint = Url(node, "user_information_endpoint"),
            ApiUrl = Url(node, "api_url")?.TrimEnd('/'),
        };
        foreach (var team in options.AllowedTeams.Where(t => t.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            node.Errors.Add($"{node.Path}.allowed_teams", $"'{team}' is not a team: write \"org/team-slug\"");
        }
        return options;
    }

    private static GoogleLoginOptions? ReadGoogle(ConfigNode node, Func<string, string?> environment)
    {
        if (!Provider(node, GoogleKeys, "google", environment, out var id, out var secret)) return null;
        return new GoogleLoginOptions(id, secret, Names(node, "allowed_domains"), Names(node, "allowed_emails"))
        {
            AuthorizationEndpoint = Url(node, "authorization_endpoint"),
            TokenEndpoint = Url(node, "token_endpoint"),
            UserInformationEndpoint = Url(node, "user_information_endpoint"),
        };
    }

    private static OidcLoginOptions? ReadOidc(ConfigNode node, Func<string, string?> environment)
    {
        if (!Provider(node, OidcKeys, "oidc", environment, out var id, out var secret)) return null;
        var authority = Url(node, "authority");
        if (node.Child("authority") is null) node.Errors.Add($"{node.Path}.authority", "is required: the provider's issuer URL, such as \"https://login.example.com/realms/ops\" (its /.well-known/openid-configuration is read)");
        if (authority is null) return null;
        return new OidcLoginOptions(authority.TrimEnd('/'), id, secret, Names(node, "allowed_emails"), Names(node, "allowed_domains"))
        {
            RolesClaim = node.Child("roles_claim")?.String(),
            DisplayName = node.Child("display_name")?.String() ?? "single sign-on",
        };
    }

    /// <summary>The keys every provider shares; false when the provider cannot be built.</summary>
    private static bool Provider(ConfigNode node, string[] keys, string name, Func<string, string?> environment, out string id, out string secret)
    {
        id = secret = "";
        if (!node.IsObject)
        {
            node.Errors.Add(node.Path, "expected an object { client_id, client_secret, ... }");
            return false;
        }
        ConfigKeys.CheckUnknown(node, keys);
        var variable = $"FLOWBALANCE_{name.ToUpperInvariant()}_CLIENT_SECRET";
        id = node.Child("client_id")?.String() ?? "";
        secret = node.Child("client_secret")?.String() ?? environment(variable) ?? "";
        if (node.Child("client_id") is null) node.Errors.Add($"{node.Path}.client_id", "is required: the OAuth client id the provider gave this app");
        if (secret.Length == 0) node.Errors.Add($"{node.Path}.client_secret", $"is required: set it here (client_secret = ${{?{variable}}}) or in the environment variable {variable}");
        return id.Length > 0 && secret.Length > 0;
    }

    private static ImmutableArray<string> Names(ConfigNode node, string key)
    {
        if (node.Child(key) is not { } list) return [];
        if (!list.IsArray) return list.FailStruct<ImmutableArray<string>>("expected a list of names such as [\"octocat\"]") ?? [];
        return [.. list.Elements().Select(e => e.String()).OfType<string>().Where(s => s.Length > 0)];
    }

    /// <summary>An endpoint: https, or http on a loopback host (a provider run for tests).</summary>
    private static string? Url(ConfigNode node, string key)
    {
        if (node.Child(key) is not { } child || child.String() is not { } text) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            return child.Fail<string>($"must be an https:// URL, found '{text}'");
        }
        return url.Scheme == "http" && !url.IsLoopback ? child.Fail<string>($"must be https:// (http:// only on 127.0.0.1 or localhost, for a provider run in tests), found '{text}'") : text;
    }

    /// <summary><c>roles { admin = ["github:octocat"], operator = ["github-team:acme/sre"], viewer = ["*@example.com"] }</c>.</summary>
    private static ImmutableArray<RoleRule> ReadRoles(ConfigNode node)
    {
        if (!node.IsObject) return node.FailStruct<ImmutableArray<RoleRule>>("expected an object { admin = [\"github:octocat\"], operator = [...], viewer = [...] }") ?? [];
        ConfigKeys.CheckUnknown(node, RoleNames);
        var rules = ImmutableArray.CreateBuilder<RoleRule>();
        foreach (var role in RoleNames)
        {
            if (node.Child(role) is not { } list) continue;
            if (!list.IsArray)
            {
                list.Errors.Add(list.Path, "expected a list such as [\"github:octocat\", \"*@example.com\"]");
                continue;
            }
            foreach (var element in list.Elements())
            {
                if (element.String() is not { } text) continue;
                if (Rule(role, text) is { } rule) rules.Add(rule);
                else element.Errors.Add(element.Path, $"'{text}' is not a rule: write github:<login>, github-org:<org>, github-team:<org>/<team>, google:<email>, oidc:<email or subject>, oidc-role:<value>, an email, or *@<domain>");
            }
        }
        return rules.ToImmutable();
    }

    private static RoleRule? Rule(string role, string text)
    {
        if (text.StartsWith("*@", StringComparison.Ordinal)) return text.Length > 2 && !text[2..].Contains('@') ? new RoleRule(role, RoleRule.Domain, text[2..]) : null;
        var colon = text.IndexOf(':');
        if (colon < 0) return text.IndexOf('@') is > 0 and var at && at < text.Length - 1 ? new RoleRule(role, RoleRule.Email, text) : null;
        var (kind, value) = (text[..colon], text[(colon + 1)..]);
        if (value.Length == 0 || kind is RoleRule.Email or RoleRule.Domain || !RoleRule.Kinds.ContainsKey(kind)) return null;
        if (kind == "github-team" && value.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]) return null;
        return new RoleRule(role, kind, value);
    }
}
