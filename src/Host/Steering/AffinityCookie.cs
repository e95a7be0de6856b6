using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using Microsoft.Net.Http.Headers;

namespace FlowBalance.Host.Steering;

/// <summary>The session-affinity cookie: set when the request had none, or a stale or forged one, or its backend changed.</summary>
public static class AffinityCookie
{
    public static void SetIfChanged(HttpContext context, SessionAffinityOptions affinity, RouteKey key, BackendSlot backend)
    {
        if (affinity.Type != SessionAffinityOptions.Cookie || key.AffinityToken == backend.AffinityToken) return;
        var cookie = new SetCookieHeaderValue(affinity.CookieName, backend.AffinityToken)
        {
            Path = "/",
            HttpOnly = true,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = affinity.MaxAge > TimeSpan.Zero ? affinity.MaxAge : null,
        };
        context.Response.Headers.Append(HeaderNames.SetCookie, cookie.ToString());
    }
}
