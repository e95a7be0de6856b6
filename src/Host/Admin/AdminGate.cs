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
        if (!options.Admin.Allow.IsEmpty && (client is null || !options.Admin.Allow.Any(network => network.Contains(client))))
        {
            await AdminProblems.Forbidden(context, $"admin.allow does not include {client?.ToString() ?? "this client"}");
            return;
        }
        var presents = context.Request.Headers.Authorization.Count > 0 || path == "/login" && (HttpMethods.IsPost(context.Request.Method) || context.Request.Query.ContainsKey("token"));
        if (presents && throttle.LockedFor(client) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await AdminResponses.Problem(context, $"too many failed logins or bad tokens from {client}: try again in {Math.Ceiling(wait.TotalSeconds)} s", StatusCodes.Status429TooManyRequests);
            return;
        }
        // /healthz is mapped before the gate; /login/{provider} and /signin-{provider} are a provider login's way in and out.
        if (path.StartsWithSegments("/login") || Auth.Providers.LoginProviders.CallbackOf(path) is not null)
        {
            await next(context);
            return;
        }
        var result = await context.AuthenticateAsync(AdminAuthentication.Scheme);
        if (result.Failure is not null && context.Request.Headers.Authorization.Count > 0 && throttle.Failed(client) is { } lockout)
        {
            new Overrides.AdminCaller("anonymous", client?.ToString()).Audit(context.RequestServices.GetRequiredService<Store.AdminDatabase>(), "login.locked", null, null, null,
                $"refused: bad bearer tokens; locked out for {lockout.TotalSeconds:0} s");
        }
        if (result.Succeeded)
        {
            if (context.Request.Headers.Authorization.Count > 0) throttle.Succeeded(client);
            context.User = result.Principal!;
            // A dashboard circuit lives on after this request; its actions are audited with this address.
            if (context.Connection.RemoteIpAddress is { } address && context.User.Identity is System.Security.Claims.ClaimsIdentity identity)
            {
                identity.AddClaim(new System.Security.Claims.Claim(AdminClaims.Address, address.ToString()));
            }
        }
        var authenticated = result.Succeeded;
        if (path == "/metrics" && (authenticated || MetricsAccess.Allowed(context.Connection.RemoteIpAddress, options.Metrics)))
        {
            await next(context);
            return;
        }
        if (!authenticated)
        {
            if (path.StartsWithSegments("/api") || path == "/metrics" || context.Request.Headers.Authorization.Count > 0)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"flowbalance-admin\"";
                await AdminProblems.Unauthorized(context);
                return;
            }
            // A provider login past admin.auth.recheck goes straight back to its provider (no click when the user is still signed in there).
            var login = context.Items[Auth.Providers.SessionCheck.RecheckItem] is string provider ? "/login/" + provider : "/login";
            context.Response.Redirect($"{context.Request.PathBase}{login}?return={Uri.EscapeDataString(context.Request.PathBase + path + context.Request.QueryString)}");
            return;
        }
        // The dashboard's circuit (/_blazor: negotiate and disconnect are POSTs without the header) is exempt:
        // it runs only components whose descriptors this server rendered into its own page, and the
        // session cookie is SameSite=Strict, so another site cannot open one.
        if (IsSession(context) && !IsSafe(context.Request.Method) && !path.StartsWithSegments("/_blazor"))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await AdminProblems.Forbidden(context, $"a state-changing request from a browser session needs the anti-forgery token: send the {AdminAuthentication.XsrfCookie} cookie's value in the {AdminAuthentication.XsrfHeader} header");
                return;
            }
        }
        var role = AdminRoles.Of(context.User);
        var required = AdminAccess.Required(context.Request.Method, path);
        if (role < required)
        {
            var why = $"{context.Request.Method} {context.Request.PathBase}{path} needs the {required.Name()} role; {context.User.Identity?.Name} is {role.Name()}";
            Overrides.AdminCaller.Of(context).Audit(context.RequestServices.GetRequiredService<Store.AdminDatabase>(), "denied", $"{context.Request.Method} {path}", null, null, $"refused: {why}");
            await AdminProblems.Forbidden(context, why);
            return;
        }
        await next(context);
    });

    public static bool IsSession(HttpContext context) => context.User.FindFirst(AdminClaims.Method)?.Value == "session";

    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
