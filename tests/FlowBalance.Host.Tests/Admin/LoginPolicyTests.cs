using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Auth.Providers;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>Who gets in and as what: allow-lists, role rules (highest wins), the OIDC roles claim, verified emails only.</summary>
public sealed class LoginPolicyTests
{
    private static readonly AdminAuthOptions Auth = new(
        new GitHubLoginOptions("id", "s", ["octocat"], ["acme"], ["acme/sre"]),
        new GoogleLoginOptions("id", "s", ["example.com"], []),
        new OidcLoginOptions("https://login.example.com", "id", "s", [], ["corp.example"]) { RolesClaim = "groups" },
        [
            new RoleRule("admin", "github", "OctoCat"),
            new RoleRule("admin", RoleRule.Email, "boss@example.com"),
            new RoleRule("operator", "github-team", "acme/sre"),
            new RoleRule("operator", "oidc-role", "lb-ops"),
            new RoleRule("viewer", RoleRule.Domain, "example.com"),
        ],
        TimeSpan.FromHours(1));

    private static LoginIdentity GitHub(string login, string[]? orgs = null, string[]? teams = null, string[]? emails = null) =>
        new("github", login, "1", [.. emails ?? []]) { Orgs = [.. orgs ?? []], Teams = [.. teams ?? []] };

    private static LoginIdentity Google(params string[] verified) => new("google", verified.FirstOrDefault() ?? "someone@example.com", "2", [.. verified]);

    private static LoginIdentity Oidc(string email, params string[] groups) => new("oidc", email, "sub-3", [email]) { Roles = [.. groups] };

    [Theory]
    [InlineData("octocat", "admin", "admin.auth.roles.admin names github:OctoCat")] // GitHub logins are case-insensitive
    [InlineData("hubot", "operator", "admin.auth.roles.operator names github-team:acme/sre")]
    [InlineData("member", "viewer", "allowed_orgs names acme; no roles rule names them, so viewer")]
    public void GitHub_users_get_the_highest_role_a_rule_gives(string login, string role, string why)
    {
        var user = login switch
        {
            "hubot" => GitHub("hubot", orgs: ["acme"], teams: ["acme/sre"]),
            "member" => GitHub("member", orgs: ["acme"]),
            _ => GitHub("octocat", orgs: ["acme"], teams: ["acme/sre"]),
        };

        var verdict = LoginPolicy.Judge(Auth, user);

        Assert.Equal((role, why), (verdict.Role!.Value.Name(), verdict.Why));
    }

    [Fact]
    public void A_stranger_is_refused_with_the_lists_that_do_not_name_them()
    {
        var verdict = LoginPolicy.Judge(Auth, GitHub("stranger", orgs: ["other"]));

        Assert.False(verdict.Allowed);
        Assert.Equal("github:stranger is not allowed in: neither admin.auth.github's allowed_users, allowed_orgs and allowed_teams nor admin.auth.roles name them", verdict.Why);
    }

    [Fact]
    public void Email_rules_match_verified_addresses_from_any_provider_and_domains_match_whole_labels()
    {
        Assert.Equal(AdminRole.Admin, LoginPolicy.Judge(Auth, Google("boss@example.com")).Role); // beats the *@example.com viewer rule
        Assert.Equal(AdminRole.Admin, LoginPolicy.Judge(Auth, GitHub("bossman", emails: ["Boss@Example.com"])).Role);
        Assert.Equal(AdminRole.Viewer, LoginPolicy.Judge(Auth, Google("dev@example.com")).Role);
        Assert.False(LoginPolicy.Judge(Auth, Google("dev@badexample.com")).Allowed); // not a subdomain, not the domain
        var unverified = LoginPolicy.Judge(Auth, Google());
        Assert.False(unverified.Allowed);
        Assert.EndsWith("(the provider verified no email address)", unverified.Why);
    }

    [Fact]
    public void The_oidc_roles_claim_names_roles_and_oidc_role_rules_map_other_values()
    {
        Assert.Equal((AdminRole.Admin, "the groups claim says admin"), (LoginPolicy.Judge(Auth, Oidc("ann@corp.example", "admin")).Role!.Value, LoginPolicy.Judge(Auth, Oidc("ann@corp.example", "admin")).Why));
        Assert.Equal(AdminRole.Operator, LoginPolicy.Judge(Auth, Oidc("ops@elsewhere.example", "lb-ops")).Role); // a rule alone lets them in
        Assert.Equal(AdminRole.Viewer, LoginPolicy.Judge(Auth, Oidc("dev@corp.example")).Role); // allowed_domains, no rule
        Assert.False(LoginPolicy.Judge(Auth, Oidc("dev@elsewhere.example", "lb-users")).Allowed);
    }

    [Fact]
    public void A_session_past_recheck_or_no_longer_allowed_no_longer_stands()
    {
        var now = DateTimeOffset.UtcNow;
        var member = GitHub("member", orgs: ["acme"]).ToJson();

        Assert.Equal(SessionStanding.Valid, SessionCheck.Judge(member, now.AddMinutes(-59), Auth, now).Standing);
        Assert.Equal(SessionStanding.Recheck, SessionCheck.Judge(member, now.AddMinutes(-61), Auth, now).Standing);
        Assert.Equal(SessionStanding.Refused, SessionCheck.Judge(GitHub("left", orgs: []).ToJson(), now, Auth, now).Standing);
        Assert.Equal(SessionStanding.Refused, SessionCheck.Judge(member, now, Auth with { GitHub = null }, now).Standing); // provider removed
        Assert.Equal(SessionStanding.Valid, SessionCheck.Judge(null, now.AddDays(-30), Auth, now).Standing); // a token login has no recheck
    }
}
