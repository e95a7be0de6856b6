using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>The answer to "may this user in, and as what": a role, or the reason for a refusal.</summary>
public sealed record LoginVerdict(AdminRole? Role, string Why)
{
    public bool Allowed => Role is not null;
}

/// <summary>
/// Judges a <see cref="LoginIdentity"/> against <c>admin.auth</c>: a user gets in when the provider's
/// allow-lists name them, or a <c>roles</c> rule does (or, with OpenID Connect, the roles claim names a role);
/// their role is the highest any rule gives, <c>viewer</c> when none does. Names and emails compare
/// case-insensitively, as GitHub logins and email domains do.
/// </summary>
public static class LoginPolicy
{
    private static readonly StringComparer Names = StringComparer.OrdinalIgnoreCase;

    public static LoginVerdict Judge(AdminAuthOptions auth, LoginIdentity user)
    {
        AdminRole? best = null;
        string? because = null;
        foreach (var rule in auth.Roles)
        {
            if (!Matches(rule, user) || AdminRoles.Parse(rule.Role) is not { } role || role <= best) continue;
            (best, because) = (role, $"admin.auth.roles.{rule.Role} names {rule}");
        }
        if (user.Provider == "oidc" && auth.Oidc?.RolesClaim is { } claim)
        {
            foreach (var value in user.Roles)
            {
                if (AdminRoles.Parse(value) is { } role && (best is null || role > best)) (best, because) = (role, $"the {claim} claim says {value}");
            }
        }
        if (best is not null) return new LoginVerdict(best, because!);
        return Listed(auth, user) is { } listed
            ? new LoginVerdict(AdminRole.Viewer, $"{listed}; no roles rule names them, so viewer")
            : new LoginVerdict(null, Refusal(auth, user));
    }

    private static bool Matches(RoleRule rule, LoginIdentity user) => rule.Kind switch
    {
        RoleRule.Email => user.Emails.Contains(rule.Value, Names),
        RoleRule.Domain => user.Emails.Any(email => InDomain(email, rule.Value)),
        "github" => user.Provider == "github" && Names.Equals(user.Login, rule.Value),
        "github-org" => user.Provider == "github" && user.Orgs.Contains(rule.Value, Names),
        "github-team" => user.Provider == "github" && user.Teams.Contains(rule.Value, Names),
        "google" => user.Provider == "google" && user.Emails.Contains(rule.Value, Names),
        "oidc" => user.Provider == "oidc" && (user.Emails.Contains(rule.Value, Names) || user.Subject == rule.Value || Names.Equals(user.Login, rule.Value)),
        "oidc-role" => user.Provider == "oidc" && user.Roles.Contains(rule.Value, StringComparer.Ordinal),
        _ => false,
    };

    /// <summary>Which allow-list of the user's provider names them, or null.</summary>
    private static string? Listed(AdminAuthOptions auth, LoginIdentity user)
    {
        switch (user.Provider)
        {
            case "github" when auth.GitHub is { } github:
                if (github.AllowedUsers.Contains(user.Login, Names)) return $"allowed_users names {user.Login}";
                if (user.Orgs.FirstOrDefault(org => github.AllowedOrgs.Contains(org, Names)) is { } org) return $"allowed_orgs names {org}";
                if (user.Teams.FirstOrDefault(team => github.AllowedTeams.Contains(team, Names)) is { } team) return $"allowed_teams names {team}";
                return null;
            case "google" when auth.Google is { } google:
                return ListedEmail(user, google.AllowedEmails, google.AllowedDomains);
            case "oidc" when auth.Oidc is { } oidc:
                return ListedEmail(user, oidc.AllowedEmails, oidc.AllowedDomains);
            default:
                return null;
        }
    }

    private static string? ListedEmail(LoginIdentity user, IReadOnlyCollection<string> emails, IReadOnlyCollection<string> domains)
    {
        if (user.Emails.FirstOrDefault(email => emails.Contains(email, Names)) is { } listed) return $"allowed_emails names {listed}";
        if (user.Emails.FirstOrDefault(email => domains.Any(domain => InDomain(email, domain))) is { } inDomain) return $"allowed_domains names {inDomain[(inDomain.LastIndexOf('@') + 1)..]}";
        return null;
    }

    private static bool InDomain(string email, string domain) =>
        email.Length > domain.Length + 1 && email[^(domain.Length + 1)] == '@' && email.EndsWith(domain, StringComparison.OrdinalIgnoreCase);

    private static string Refusal(AdminAuthOptions auth, LoginIdentity user)
    {
        var who = user.Emails.IsEmpty ? user.Name : $"{user.Name} ({string.Join(", ", user.Emails)})";
        var lists = user.Provider switch
        {
            "github" => "admin.auth.github's allowed_users, allowed_orgs and allowed_teams",
            "google" => "admin.auth.google's allowed_domains and allowed_emails",
            _ => "admin.auth.oidc's allowed_emails and allowed_domains",
        };
        var unverified = user.Emails.IsEmpty && user.Provider != "github" ? " (the provider verified no email address)" : "";
        return $"{who} is not allowed in: neither {lists} nor admin.auth.roles name them{unverified}";
    }
}
