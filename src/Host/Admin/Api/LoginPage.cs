using System.Net;
using Microsoft.AspNetCore.Antiforgery;

namespace FlowBalance.Host.Admin.Api;

/// <summary>The login page: one form, the admin token (pre-filled from the printed login URL's <c>?token=</c>), no script, no outside assets.</summary>
public static class LoginPage
{
    public static Task Write(HttpContext context, IAntiforgery antiforgery, string adminPath, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var token = WebUtility.HtmlEncode(context.Request.Query["token"].ToString());
        var back = WebUtility.HtmlEncode(context.Request.Query["return"].ToString());
        var message = error is null ? "" : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
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
            </style></head>
            <body>
              <h1>FlowBalance admin</h1>
              {{message}}
              <form method="post" action="{{adminPath}}/login">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" value="{{token}}" autofocus required>
                <input type="hidden" name="__RequestVerificationToken" value="{{WebUtility.HtmlEncode(tokens.RequestToken)}}">
                <input type="hidden" name="return" value="{{back}}">
                <button type="submit">Log in</button>
              </form>
              <p>The token was printed once when FlowBalance first started, or is the value of FLOWBALANCE_ADMIN_TOKEN.</p>
            </body></html>
            """);
    }
}
