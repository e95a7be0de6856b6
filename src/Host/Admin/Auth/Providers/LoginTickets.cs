using System.Security.Claims;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Api;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Admin.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// The end of a provider login: the provider's user is judged by <see cref="LoginPolicy"/>; allowed, they get a
/// fresh admin session (a new key, so a session fixed before the login is never reused) named
/// <c>github:login</c> etc.; refused or failed, the login page says why. Every outcome is audited.
/// </summary>
internal static class LoginTickets
{
    public static async Task ReceivedAsync(TicketReceivedContext context)
    {
        var admin = context.HttpContext.RequestServices.GetRequiredService<FlowBalanceOptions>().Admin;
        var provider = context.Scheme.Name;
        LoginIdentity identity;
        try
        {
            identity = provider == "oidc"
                ? ProviderUsers.Oidc(context.Principal!, admin.Auth.Oidc?.RolesClaim)
                : LoginIdentity.FromJson(context.Principal?.FindFirst(LoginClaims.Identity)?.Value) ?? throw new LoginProviderException("the provider's handler produced no user");
        }
        catch (LoginProviderException e)
        {
            await RefuseAsync(context.HttpContext, admin, provider, "anonymous", e.Message, StatusCodes.Status502BadGateway);
            context.HandleResponse();
            return;
        }
        var verdict = LoginPolicy.Judge(admin.Auth, identity);
        if (!verdict.Allowed)
        {
            await RefuseAsync(context.HttpContext, admin, provider, identity.Name, verdict.Why, StatusCodes.Status403Forbidden);
            context.HandleResponse();
            return;
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, identity.Name), new Claim(AdminClaims.Method, "session"), new Claim(LoginClaims.Identity, identity.ToJson())],
            AdminAuthentication.SessionScheme));
        var properties = new AuthenticationProperties { IsPersistent = true };
        properties.SetString(AdminSessionStore.AddressItem, context.HttpContext.Connection.RemoteIpAddress?.ToString());
        await SessionRotation.EndCurrentAsync(context.HttpContext);
        await context.HttpContext.SignInAsync(AdminAuthentication.SessionScheme, principal, properties);
        Caller(context.HttpContext, identity.Name).Audit(Database(context.HttpContext), "login", provider, null, null, $"ok: {verdict.Role!.Value.Name()} ({verdict.Why})");
        await ContinueAsync(context.HttpContext, identity.Name, LocalReturn.Of(context.ReturnUri, admin.Path));
        context.HandleResponse();
    }

    /// <summary>
    /// A page that moves on by itself, instead of a redirect: the browser came here through the provider's
    /// redirect (a cross-site navigation), on which it would not send the SameSite=Strict session cookie to
    /// the next URL either; a navigation started by this page is same-site, so the cookie comes along.
    /// </summary>
    private static Task ContinueAsync(HttpContext http, string who, string target)
    {
        var url = System.Net.WebUtility.HtmlEncode(target);
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={{url}}"><title>FlowBalance admin: logged in</title></head>
            <body style="font-family: system-ui, sans-serif"><p>Logged in as {{System.Net.WebUtility.HtmlEncode(who)}}. <a href="{{url}}">Continue to the dashboard</a>.</p></body></html>
            """);
    }

    public static async Task FailedAsync(RemoteFailureContext context)
    {
        var admin = context.HttpContext.RequestServices.GetRequiredService<FlowBalanceOptions>().Admin;
        await RefuseAsync(context.HttpContext, admin, context.Scheme.Name, "anonymous", Describe(context.Failure), StatusCodes.Status400BadRequest);
        context.HandleResponse();
    }

    private static async Task RefuseAsync(HttpContext http, AdminOptions admin, string provider, string who, string why, int status)
    {
        Caller(http, who).Audit(Database(http), "login", provider, null, null, $"refused: {why}");
        http.Response.StatusCode = status;
        await LoginPage.Write(http, http.RequestServices.GetRequiredService<IAntiforgery>(), admin, $"Logging in with {LoginProviders.Label(provider, admin.Auth)} did not work: {why}");
    }

    /// <summary>What went wrong, for a person: the handlers' messages, without their stack traces or response dumps.</summary>
    private static string Describe(Exception? failure)
    {
        var message = failure?.Message ?? "the provider's answer could not be used";
        if (message.StartsWith("Correlation failed", StringComparison.Ordinal) || message.Contains("state was missing or invalid", StringComparison.Ordinal))
        {
            return "this login's state does not belong to this browser or was used already: start again from the login page";
        }
        if (message.StartsWith("Access was denied", StringComparison.Ordinal)) return "the login was declined at the provider";
        var line = message.Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static AdminCaller Caller(HttpContext http, string who) => new(who, http.Connection.RemoteIpAddress?.ToString());

    private static AdminDatabase Database(HttpContext http) => http.RequestServices.GetRequiredService<AdminDatabase>();
}
