using System.Security.Claims;
using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// Judges a provider login's session on each admin request (sessions made with the admin token pass as they
/// are): its role comes from the rules running now, so an edited <c>admin.auth.roles</c> applies to sessions
/// already open; a user the rules no longer allow, or a provider no longer configured, is logged out; a
/// session older than <c>admin.auth.recheck</c> no longer counts, so the provider is asked again (GitHub's orgs
/// and teams as they are now): the admin gate sends a page request straight back to that provider.
/// </summary>
public static class SessionCheck
{
    /// <summary>The <c>HttpContext.Items</c> key naming the provider a session must be re-checked with.</summary>
    public const string RecheckItem = "flowbalance.recheck";

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirst(LoginClaims.Identity)?.Value is not { } json) return;
        var auth = context.HttpContext.RequestServices.GetRequiredService<FlowBalanceOptions>().Admin.Auth;
        var identity = LoginIdentity.FromJson(json);
        var verdict = identity is not null && auth.Providers.Contains(identity.Provider) ? LoginPolicy.Judge(auth, identity) : null;
        if (identity is not null && verdict is { Allowed: true } && context.Properties.IssuedUtc is { } issued && issued + auth.Recheck <= DateTimeOffset.UtcNow)
        {
            // Kept (its expiry sweeps it): every request with it goes back to the provider until a new login replaces the cookie.
            context.HttpContext.Items[RecheckItem] = identity.Provider;
            context.RejectPrincipal();
            return;
        }
        if (verdict is not { Allowed: true })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AdminAuthentication.SessionScheme); // the stored session goes too
            return;
        }
        ((ClaimsIdentity)context.Principal.Identity!).AddClaim(new Claim(AdminClaims.Role, verdict.Role!.Value.Name()));
    }
}
