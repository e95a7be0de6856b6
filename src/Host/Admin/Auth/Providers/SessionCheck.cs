using System.Security.Claims;
using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>Where a session stands: still good (with a provider login's role), due for the recheck, or no longer allowed.</summary>
public enum SessionStanding
{
    Valid,
    Recheck,
    Refused,
}

/// <summary>
/// Judges a provider login's session on each admin request (sessions made with the admin token pass as they
/// are): its role comes from the rules running now, so edited <c>admin.auth.roles</c> apply to sessions
/// already open; a user the rules no longer allow, or a provider no longer configured, is logged out; a
/// session older than <c>admin.auth.recheck</c> no longer counts, so the provider is asked again (GitHub's orgs
/// and teams as they are now): the admin gate sends a page request straight back to that provider.
/// An open dashboard asks the same question of its session every few seconds (<see cref="Dashboard.DashboardSession"/>).
/// </summary>
public static class SessionCheck
{
    /// <summary>The <c>HttpContext.Items</c> key naming the provider a session must be re-checked with.</summary>
    public const string RecheckItem = "flowbalance.recheck";

    public static (SessionStanding Standing, LoginIdentity? Identity, AdminRole? Role) Judge(string? identityJson, DateTimeOffset issued, AdminAuthOptions auth, DateTimeOffset now)
    {
        if (identityJson is null) return (SessionStanding.Valid, null, null); // the admin token's session
        var identity = LoginIdentity.FromJson(identityJson);
        if (identity is null || !auth.Providers.Contains(identity.Provider)) return (SessionStanding.Refused, identity, null);
        var verdict = LoginPolicy.Judge(auth, identity);
        if (!verdict.Allowed) return (SessionStanding.Refused, identity, null);
        return issued + auth.Recheck <= now ? (SessionStanding.Recheck, identity, null) : (SessionStanding.Valid, identity, verdict.Role);
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirst(LoginClaims.Identity)?.Value is not { } json) return;
        var auth = context.HttpContext.RequestServices.GetRequiredService<FlowBalanceOptions>().Admin.Auth;
        var (standing, identity, role) = Judge(json, context.Properties.IssuedUtc ?? DateTimeOffset.MinValue, auth, DateTimeOffset.UtcNow);
        switch (standing)
        {
            case SessionStanding.Valid:
                ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim(AdminClaims.Role, role!.Value.Name()));
                return;
            case SessionStanding.Recheck:
                // Kept (its expiry sweeps it): every request with it goes back to the provider until a new login replaces the cookie.
                context.HttpContext.Items[RecheckItem] = identity!.Provider;
                context.RejectPrincipal();
                return;
            default:
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(AdminAuthentication.SessionScheme); // the stored session goes too
                return;
        }
    }
}
