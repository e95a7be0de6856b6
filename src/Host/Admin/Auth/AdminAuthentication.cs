using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using FlowBalance.Host.Admin.Auth.Providers;
using Microsoft.AspNetCore.DataProtection;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// ASP.NET Core's authentication for the admin plane: a bearer token (scripts, scrapers) or the
/// browser's session cookie, chosen by whether an Authorization header is present; sessions are made by the
/// token login or by a provider login (<see cref="LoginProviders"/>: GitHub, Google, OpenID Connect). The middleware
/// runs only under the admin path, so proxied requests never pay for it. The cookie is scoped to the
/// admin path (never sent to a backend), HttpOnly, SameSite=Strict, Secure over HTTPS, sliding.
/// </summary>
public static class AdminAuthentication
{
    public const string Scheme = "Admin", SessionScheme = "AdminSession";
    public const string SessionCookie = "fb_admin", AntiforgeryCookie = "fb_admin_af", XsrfCookie = "XSRF-TOKEN", XsrfHeader = "X-XSRF-TOKEN";

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services, AdminOptions admin)
    {
        services.AddSingleton<AdminSessionStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        // The cookie and the anti-forgery tokens are protected with Data Protection keys: kept in the
        // state folder (not the user's home), so sessions survive restarts under a locked-down service user.
        services.AddDataProtection().SetApplicationName("FlowBalance")
            .PersistKeysToFileSystem(new DirectoryInfo(System.IO.Path.Combine(admin.StateDirectory, "keys")));
        // No default scheme: the admin gate authenticates explicitly, so nothing runs for proxied requests
        // even where ASP.NET Core adds its authentication middleware to the whole pipeline (AdminHosting prevents that too).
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "token or session", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? AdminTokenHandler.SchemeName : SessionScheme)
            .AddScheme<AuthenticationSchemeOptions, AdminTokenHandler>(AdminTokenHandler.SchemeName, null)
            .AddCookie(SessionScheme, cookie =>
            {
                cookie.Cookie.Name = SessionCookie;
                cookie.Cookie.Path = admin.Path;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = admin.SessionTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = admin.Path + "/login"; // unused in practice: AdminGate answers unauthenticated requests itself
            })
            .AddLoginProviders(admin.Auth);
        services.AddOptions<CookieAuthenticationOptions>(SessionScheme)
            .Configure<AdminSessionStore>((cookie, store) =>
            {
                cookie.SessionStore = store;
                cookie.Events.OnValidatePrincipal = Providers.SessionCheck.ValidateAsync;
            });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = XsrfHeader;
            antiforgery.FormFieldName = "__RequestVerificationToken";
            antiforgery.Cookie.Name = AntiforgeryCookie;
            antiforgery.Cookie.Path = admin.Path;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }
}
