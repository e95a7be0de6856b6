using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// A login always makes a new session. ASP.NET Core's cookie handler, signing in over a request that still
/// carries a valid session cookie, would renew that session under its old key (and our store would keep its
/// old subject); so the login paths first end the session the request carries and hide its cookie from the handler.
/// </summary>
public static class SessionRotation
{
    /// <summary>The claim under which the cookie handler keeps the session store's key in the cookie's ticket.</summary>
    private const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    public static async Task EndCurrentAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AdminAuthentication.SessionScheme);
        if (options.CookieManager.GetRequestCookie(context, AdminAuthentication.SessionCookie) is not { Length: > 0 } cookie) return;
        if (options.TicketDataFormat.Unprotect(cookie)?.Principal.FindFirst(SessionIdClaim)?.Value is { } key) await options.SessionStore!.RemoveAsync(key);
        var others = context.Request.Cookies.Where(c => !c.Key.StartsWith(AdminAuthentication.SessionCookie, StringComparison.Ordinal)).Select(c => $"{c.Key}={c.Value}");
        context.Request.Headers.Cookie = string.Join("; ", others);
    }
}
