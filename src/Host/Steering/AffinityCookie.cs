using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using Microsoft.Net.Http.Headers;

namespace FlowBalance.Host.Steering;

/// <summary>The session-affinity cookie: set when the request had none, or a stale or forged one, or its backend changed.</summary>
public static class AffinityCookie
{
    /// <param name="secure">The client came over HTTPS (its own connection, or a trusted proxy's X-Forwarded-Proto).</param>
    public static void SetIfChanged(HttpContext context, SessionAffinityOptions affinity, RouteKey key, BackendSlot backend, bool secure)
    {
        if (affinity.Type != SessionAffinityOptions.Cookie || key.AffinityToken == backend.AffinityToken) return;
        var cookie = new SetCookieHeaderValue(affinity.CookieName, backend.AffinityToken)
        {
            Path = "/",
            HttpOnly = true,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
            Secure = secure,
            MaxAge = affinity.MaxAge > TimeSpan.Zero ? affinity.MaxAge : null,
        };
        context.Response.Headers.Append(HeaderNames.SetCookie, cookie.ToString());
    }
}
