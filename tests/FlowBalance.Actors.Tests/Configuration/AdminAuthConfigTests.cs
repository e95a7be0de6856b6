using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary><c>admin.auth { github, google, oidc, roles, recheck }</c>: read as written; secrets from the environment; nobody-allowed and unknown rules refused with key and line.</summary>
public sealed class AdminAuthConfigTests
{
    [Fact]
    public void Providers_roles_and_recheck_are_read()
    {
        var auth = ConfigText.Load("""
            flowbalance {
              demo_backends = 1
              admin.auth {
                github { client_id = "gh-id", client_secret = "gh-secret", allowed_orgs = ["acme"], allowed_teams = ["acme/sre"], api_url = "https://ghe.example.com/api/v3/" }
                google { client_id = "g-id", allowed_domains = ["example.com"] }
                oidc { authority = "https://login.example.com/realms/ops/", client_id = "o-id", client_secret = "o-secret", roles_claim = "groups", display_name = "Okta" }
                roles { admin = ["github:octocat", "google:ops@example.com"], operator = ["github-team:acme/sre", "oidc-role:lb-ops"], viewer = ["*@example.com", "dev@example.org"] }
                recheck = 10m
              }
            }
            """, environment: new Dictionary<string, string> { ["FLOWBALANCE_GOOGLE_CLIENT_SECRET"] = "from-env" }).Admin.Auth;

        Assert.Equal(("gh-id", "gh-secret", "https://ghe.example.com/api/v3"), (auth.GitHub!.ClientId, auth.GitHub.ClientSecret, auth.GitHub.ApiUrl));
        Assert.Equal(["acme"], auth.GitHub.AllowedOrgs.ToArray());
        Assert.Equal(["acme/sre"], auth.GitHub.AllowedTeams.ToArray());
        Assert.Equal(("g-id", "from-env"), (auth.Google!.ClientId, auth.Google.ClientSecret));
        Assert.Equal(("https://login.example.com/realms/ops", "groups", "Okta"), (auth.Oidc!.Authority, auth.Oidc.RolesClaim, auth.Oidc.DisplayName));
        Assert.Equal(["viewer *@example.com", "viewer dev@example.org", "operator github-team:acme/sre", "operator oidc-role:lb-ops", "admin github:octocat", "admin google:ops@example.com"],
            auth.Roles.Select(r => $"{r.Role} {r}"));
        Assert.Equal(TimeSpan.FromMinutes(10), auth.Recheck);
        Assert.Equal(["github", "google", "oidc"], auth.Providers);
    }

    [Fact]
    public void Without_auth_the_token_is_the_only_way_in()
    {
        var auth = ConfigText.Load("flowbalance { demo_backends = 1 }").Admin.Auth;

        Assert.Empty(auth.Providers);
        Assert.Equal(TimeSpan.FromHours(1), auth.Recheck);
    }

    [Fact]
    public void Mistakes_name_the_key_and_line()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              demo_backends = 1
              admin.auth {
                github { client_id = "id", client_secret = "s" }
                google { client_id = "id", allowed_domains = ["example.com"] }
                oidc { client_id = "id", client_secret = "s", allowed_emails = ["a@example.com"], authority = "http://login.example.com" }
                roles { admin = ["gitlab:someone", "github-team:acme"], ops = ["x@example.com"] }
              }
            }
            """);

        Assert.Equal(
        [
            "flowbalance.admin.auth.roles.ops (line 7): unknown key 'ops' (known keys: viewer, operator, admin)",
            "flowbalance.admin.auth.roles.admin[0] (line 7): 'gitlab:someone' is not a rule: write github:<login>, github-org:<org>, github-team:<org>/<team>, google:<email>, oidc:<email or subject>, oidc-role:<value>, an email, or *@<domain>",
            "flowbalance.admin.auth.roles.admin[1] (line 7): 'github-team:acme' is not a rule: write github:<login>, github-org:<org>, github-team:<org>/<team>, google:<email>, oidc:<email or subject>, oidc-role:<value>, an email, or *@<domain>",
            "flowbalance.admin.auth.google.client_secret (line 5): is required: set it here (client_secret = ${?FLOWBALANCE_GOOGLE_CLIENT_SECRET}) or in the environment variable FLOWBALANCE_GOOGLE_CLIENT_SECRET",
            "flowbalance.admin.auth.oidc.authority (line 6): must be https:// (http:// only on 127.0.0.1 or localhost, for a provider run in tests), found 'http://login.example.com'",
            "flowbalance.admin.auth.github (line 4): names nobody who may log in: set allowed_users, allowed_orgs or allowed_teams, or name GitHub users in admin.auth.roles (FlowBalance never lets every GitHub user in)",
        ], errors, (a, b) => a == b || Print(a, b));
    }

    private static bool Print(string a, string b)
    {
        Console.WriteLine($"EXPECTED {a}\nACTUAL   {b}");
        return false;
    }

    [Fact]
    public void A_rule_for_a_provider_that_is_not_configured_is_refused()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              demo_backends = 1
              admin.auth {
                github { client_id = "id", client_secret = "s", allowed_users = ["octocat"] }
                roles { operator = ["google:ops@example.com"] }
              }
            }
            """);

        Assert.Equal(["flowbalance.admin.auth.roles.operator (line 5): 'google:ops@example.com' matches google users, but that provider is not configured in admin.auth"], errors);
    }
}
