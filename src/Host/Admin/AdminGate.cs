using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Observability;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace FlowBalance.Host.Admin;

/// <summary>
/// Closed by default: under the admin path only <c>/healthz</c> and the login page answer without
/// credentials; <c>/metrics</c> answers loopback and <c>metrics.allow</c> scrapers, or anyone with a
/// bearer token; everything else needs the token or a session (API: 401 problem+json; pages: the
/// login page). A state-changing request from a cookie session must carry the anti-forgery token
/// (<c>X-XSRF-TOKEN</c>, the value of the readable <c>XSRF-TOKEN</c> cookie), or it is refused.
/// In order: <c>admin.allow</c> (403), a locked-out client presenting credentials (429, <see cref="LoginThrottle"/>),
/// authentication, the anti-forgery token, then the route's role (<see cref="AdminAccess"/>, 403 and audited).
/// </summary>
public static class AdminGate
{
    public static IApplicationBuilder UseAdminGate(this IApplicationBuilder admin, FlowBalanceOptions options, LoginThrottle throttle) => admin.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        var client = Steering.ClientAddress.Of(context, options.Geo.TrustedProxies);
        if (await OutsideAllowAsync(context, options.Admin, client) || await LockedOutAsync(context, throttle, client)) return;
        // /healthz is mapped before the gate; /login/{provider} and /signin-{provider} are a provider login's way in and out.
        if (path.StartsWithSegments("/login") || Auth.Providers.LoginProviders.CallbackOf(path) is not null)
        {
            await next(context);
            return;
        }
        var authenticated = await AuthenticateAsync(context, throttle, client);
        // A scraper that presents a token must present a good one, even where it needs none: a revoked key left
        // in a scrape config shows as a 401 there, not as metrics that keep coming.
        var presented = context.Request.Headers.Authorization.Count > 0;
        if (path == "/metrics" && (authenticated || !presented && MetricsAccess.Allowed(context.Connection.RemoteIpAddress, options.Metrics)))
        {
            await next(context);
            return;
        }
        if (!authenticated)
        {
            await ChallengeAsync(context);
            return;
        }
        if (await MissingAntiforgeryAsync(context) || await BelowRoleAsync(context)) return;
        await next(context);
    });

    public static bool IsSession(HttpContext context) => context.User.FindFirst(AdminClaims.Method)?.Value == "session";

    private static async Task<bool> OutsideAllowAsync(HttpContext context, AdminOptions admin, System.Net.IPAddress? client)
    {
        if (admin.Allow.IsEmpty || client is not null && admin.Allow.Any(network => network.Contains(client))) return false;
        await AdminProblems.Forbidden(context, $"admin.allow does not include {client?.ToString() ?? "this client"}");
        return true;
    }

    /// <summary>A locked-out client gets 429 for anything carrying credentials (a bearer token, the token login).</summary>
    private static async Task<bool> LockedOutAsync(HttpContext context, LoginThrottle throttle, System.Net.IPAddress? client)
    {
        var presents = context.Request.Headers.Authorization.Count > 0
            || context.Request.Path == "/login" && (HttpMethods.IsPost(context.Request.Method) || context.Request.Query.ContainsKey("token"));
        if (!presents || throttle.LockedFor(client) is not { } wait) return false;
        context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await AdminResponses.Problem(context, $"too many failed logins or bad tokens from {client}: try again in {Math.Ceiling(wait.TotalSeconds)} s", StatusCodes.Status429TooManyRequests);
        return true;
    }

    /// <summary>Bearer or session; a bad bearer token counts towards the lockout, a good one clears it.</summary>
    private static async Task<bool> AuthenticateAsync(HttpContext context, LoginThrottle throttle, System.Net.IPAddress? client)
    {
        var result = await context.AuthenticateAsync(AdminAuthentication.Scheme);
        var bearer = context.Request.Headers.Authorization.Count > 0;
        if (result.Failure is not null && bearer && throttle.Failed(client) is { } lockout)
        {
            new Overrides.AdminCaller("anonymous", client?.ToString()).Audit(context.RequestServices.GetRequiredService<Store.AdminDatabase>(), "login.locked", null, null, null,
                $"refused: bad bearer tokens; locked out for {lockout.TotalSeconds:0} s");
        }
        if (!result.Succeeded) return false;
        if (bearer) throttle.Succeeded(client);
        context.User = result.Principal!;
        // A dashboard circuit lives on after this request; its actions are audited with this address.
        if (context.Connection.RemoteIpAddress is { } address && context.User.Identity is System.Security.Claims.ClaimsIdentity identity)
        {
            identity.AddClaim(new System.Security.Claims.Claim(AdminClaims.Address, address.ToString()));
        }
        return true;
    }

    /// <summary>The API and scripts get 401; a page goes to the login page, or back through the provider when a provider login is past its recheck.</summary>
    private static Task ChallengeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path == "/metrics" || context.Request.Headers.Authorization.Count > 0)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"flowbalance-admin\"";
            return AdminProblems.Unauthorized(context);
        }
        var login = context.Items[Auth.Providers.SessionCheck.RecheckItem] is string provider ? "/login/" + provider : "/login";
        context.Response.Redirect($"{context.Request.PathBase}{login}?return={Uri.EscapeDataString(context.Request.PathBase + path + context.Request.QueryString)}");
        return Task.CompletedTask;
    }

    /// <summary>
    /// A state-changing request from a browser session needs the XSRF token. The dashboard's circuit
    /// (/_blazor: negotiate and disconnect are POSTs without the header) is exempt: it runs only components
    /// whose descriptors this server rendered into its own page, and the session cookie is SameSite=Strict,
    /// so another site cannot open one.
    /// </summary>
    private static async Task<bool> MissingAntiforgeryAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (!IsSession(context) || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || context.Request.Path.StartsWithSegments("/_blazor")) return false;
        if (await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context)) return false;
        await AdminProblems.Forbidden(context, $"a state-changing request from a browser session needs the anti-forgery token: send the {AdminAuthentication.XsrfCookie} cookie's value in the {AdminAuthentication.XsrfHeader} header");
        return true;
    }

    /// <summary>The route's role (<see cref="AdminAccess"/>) or 403, audited.</summary>
    private static async Task<bool> BelowRoleAsync(HttpContext context)
    {
        var (role, required) = (AdminRoles.Of(context.User), AdminAccess.Required(context.Request.Method, context.Request.Path));
        if (role >= required) return false;
        var why = $"{context.Request.Method} {context.Request.PathBase}{context.Request.Path} needs the {required.Name()} role; {context.User.Identity?.Name} is {role.Name()}";
        Overrides.AdminCaller.Of(context).Audit(context.RequestServices.GetRequiredService<Store.AdminDatabase>(), "denied", $"{context.Request.Method} {context.Request.Path}", null, null, $"refused: {why}");
        await AdminProblems.Forbidden(context, why);
        return true;
    }
}
