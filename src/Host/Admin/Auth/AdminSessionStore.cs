using System.Security.Claims;
using FlowBalance.Host.Admin.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// Server-side browser sessions: the cookie carries only a random key; the admin database keeps the
/// session under the key's SHA-256 (subject, times, a provider login's identity), so a session can be revoked
/// (log out, log out everywhere) and survives a restart. A new key per login. <c>IssuedUtc</c> is always the
/// login's time (a sliding renewal does not move it), which <see cref="Providers.SessionCheck"/> re-checks against.
/// </summary>
public sealed class AdminSessionStore(AdminDatabase database) : ITicketStore
{
    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = AdminToken.Create()[AdminToken.Prefix.Length..];
        var now = DateTimeOffset.UtcNow;
        database.CreateSession(new AdminSession(AdminToken.Hash(key), ticket.Principal.Identity?.Name ?? "unknown", now, now,
            ticket.Properties.ExpiresUtc ?? now.AddHours(12), ticket.Properties.GetString(AddressItem), "",
            ticket.Principal.FindFirst(Providers.LoginClaims.Identity)?.Value));
        return Task.FromResult(key);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        database.TouchSession(AdminToken.Hash(key), DateTimeOffset.UtcNow, ticket.Properties.ExpiresUtc ?? DateTimeOffset.UtcNow.AddHours(12));
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var session = database.FindSession(AdminToken.Hash(key));
        if (session is null || session.Expires <= DateTimeOffset.UtcNow) return Task.FromResult<AuthenticationTicket?>(null);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, session.Subject), new Claim(AdminClaims.Method, "session"), new Claim(AdminClaims.Session, session.IdHash)],
            AdminAuthentication.SessionScheme);
        if (session.Identity is { } login) identity.AddClaim(new Claim(Providers.LoginClaims.Identity, login)); // judged by SessionCheck on each request
        var properties = new AuthenticationProperties { IssuedUtc = session.Created, ExpiresUtc = session.Expires, AllowRefresh = true };
        return Task.FromResult<AuthenticationTicket?>(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, AdminAuthentication.SessionScheme));
    }

    public Task RemoveAsync(string key)
    {
        database.DeleteSession(AdminToken.Hash(key));
        return Task.CompletedTask;
    }

    /// <summary>The client address recorded with a new session (set by the login endpoint).</summary>
    public const string AddressItem = "flowbalance.address";
}
