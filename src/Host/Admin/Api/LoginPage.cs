using System.Net;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Auth.Providers;
using Microsoft.AspNetCore.Antiforgery;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// The login page, no script, no outside assets: a button per configured provider (<c>admin.auth</c>), and the
/// admin token's form (pre-filled from the printed login URL's <c>?token=</c>), folded away when providers exist.
/// </summary>
public static class LoginPage
{
    public static Task Write(HttpContext context, IAntiforgery antiforgery, AdminOptions admin, string? error)
    {
        var adminPath = admin.Path;
        var tokens = antiforgery.GetAndStoreTokens(context);
        var token = WebUtility.HtmlEncode(context.Request.Query["token"].ToString());
        var back = WebUtility.HtmlEncode(context.Request.Query["return"].ToString());
        var message = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var returnQuery = back.Length > 0 ? "?return=" + Uri.EscapeDataString(context.Request.Query["return"].ToString()) : "";
        var buttons = string.Concat(admin.Auth.Providers.Select(p =>
            $"<a class=\"provider\" id=\"login-{p}\" href=\"{adminPath}/login/{p}{WebUtility.HtmlEncode(returnQuery)}\">Log in with {WebUtility.HtmlEncode(LoginProviders.Label(p, admin.Auth))}</a>"));
        // Unfolded when the token is what is being used (the printed URL's ?token=, or a refused token).
        var unfold = token.Length > 0 || error is not null && HttpMethods.IsPost(context.Request.Method) ? " open" : "";
        var (open, close) = buttons.Length > 0 ? ($"<details{unfold}><summary>Log in with the admin token</summary>", "</details>") : ("", "");
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer"; // the token may be in this page's URL
        return context.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>FlowBalance admin: log in</title>
            <style>
              :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
              body { max-width: 28rem; margin: 4rem auto; padding: 0 1rem; }
              input[type=password] { width: 100%; padding: .5rem; font-family: monospace; box-sizing: border-box; }
              button { margin-top: 1rem; padding: .5rem 1.5rem; }
              .error { color: #c62828; }
              .provider { display: block; margin: .75rem 0; padding: .6rem 1rem; border: 1px solid currentColor; border-radius: .3rem; text-align: center; text-decoration: none; color: inherit; }
              details { margin-top: 1.5rem; }
            </style></head>
            <body>
              <h1>FlowBalance admin</h1>
              {{message}}
              {{buttons}}
              {{open}}
              <form method="post" action="{{adminPath}}/login">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" value="{{token}}" autofocus required>
                <input type="hidden" name="__RequestVerificationToken" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
                <input type="hidden" name="return" value="{{back}}">
                <button type="submit">Log in</button>
              </form>
              <p>The token was printed once when FlowBalance first started, or is the value of FLOWBALANCE_ADMIN_TOKEN.</p>
              {{close}}
            </body></html>
            """);
    }
}
