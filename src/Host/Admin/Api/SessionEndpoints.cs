using System.Security.Claims;
using System.Text.Json;
using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// Logging in with the admin token (a form: the login page posts it with its anti-forgery field),
/// logging out (this session, or every session), and <c>GET /api/v1/session</c>: who the caller is,
/// which also hands a browser session its <c>XSRF-TOKEN</c> cookie. Every attempt is audited.
/// </summary>
public sealed class SessionEndpoints(AdminCredentials credentials, AdminDatabase database, IAntiforgery antiforgery, FlowBalance.Actors.Configuration.AdminOptions admin, LoginThrottle throttle,
    System.Collections.Immutable.ImmutableArray<System.Net.IPNetwork> trustedProxies)
{
    private readonly string adminPath = admin.Path;

    public async Task Login(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            // The printed login URL (?token=): a valid token logs in and goes to the dashboard; no form to press.
            var fromUrl = context.Request.Query["token"].ToString().Trim();
            if (fromUrl.Length == 0) await LoginPage.Write(context, antiforgery, admin, error: null);
            else await SignIn(context, fromUrl, context.Request.Query["return"].ToString());
            return;
        }
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            await AdminProblemsFor(context, "log in with a form POST of token (the login page)", StatusCodes.Status400BadRequest);
            return;
        }
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await AdminProblemsFor(context, "the login form's anti-forgery field is missing or stale: reload the login page", StatusCodes.Status400BadRequest);
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        await SignIn(context, form["token"].ToString().Trim(), form["return"].ToString());
    }

    private async Task SignIn(HttpContext context, string token, string back)
    {
        var address = context.Connection.RemoteIpAddress?.ToString();
        var client = Steering.ClientAddress.Of(context, trustedProxies);
        if (!credentials.Verify(token))
        {
            var lockout = throttle.Failed(client);
            Audit(address, "anonymous", "login", lockout is { } l ? $"refused: wrong token; locked out for {l.TotalSeconds:0} s" : "refused: wrong token");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await LoginPage.Write(context, antiforgery, admin, error: "That token is not valid.");
            return;
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credentials.Subject), new Claim(AdminClaims.Method, "session")], AdminAuthentication.SessionScheme);
        var properties = new AuthenticationProperties { IsPersistent = true };
        properties.SetString(AdminSessionStore.AddressItem, address);
        await SessionRotation.EndCurrentAsync(context);
        await context.SignInAsync(AdminAuthentication.SessionScheme, new ClaimsPrincipal(identity), properties);
        throttle.Succeeded(client);
        Audit(address, credentials.Subject, "login", "ok");
        context.Response.Redirect(Auth.Providers.LocalReturn.Of(back, adminPath), permanent: false);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    /// <summary><c>POST /logout</c> ends this session; <c>?everywhere=true</c> ends every session (log out everywhere).</summary>
    public async Task Logout(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await AdminProblemsFor(context, "only POST", StatusCodes.Status405MethodNotAllowed);
            return;
        }
        var everywhere = context.Request.Query["everywhere"] == "true";
        var ended = everywhere ? database.DeleteAllSessions() : 1;
        await context.SignOutAsync(AdminAuthentication.SessionScheme);
        Audit(context.Connection.RemoteIpAddress?.ToString(), context.User.Identity?.Name ?? "unknown", everywhere ? "logout.everywhere" : "logout", $"ok: {ended} session(s) ended");
        if (context.Request.HasFormContentType) context.Response.Redirect($"{adminPath}/login", permanent: false); // the dashboard's button
        else context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task Session(HttpContext context)
    {
        if (AdminGate.IsSession(context))
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.Cookies.Append(AdminAuthentication.XsrfCookie, tokens.RequestToken!, new CookieOptions
            {
                Path = adminPath, HttpOnly = false, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps,
            });
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("subject", context.User.Identity?.Name);
        json.WriteString("method", context.User.FindFirst(AdminClaims.Method)?.Value);
        json.WriteString("role", AdminRoles.Of(context.User).Name());
        json.WriteString("provider", Auth.Providers.LoginIdentity.FromJson(context.User.FindFirst(Auth.Providers.LoginClaims.Identity)?.Value)?.Provider);
        json.WriteEndObject();
    }

    private void Audit(string? address, string actor, string action, string result) =>
        new Overrides.AdminCaller(actor, address).Audit(database, action, null, null, null, result);

    private static Task AdminProblemsFor(HttpContext context, string detail, int status) => Observability.AdminResponses.Problem(context, detail, status);
}
