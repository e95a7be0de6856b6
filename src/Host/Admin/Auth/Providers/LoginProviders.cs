using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Google;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// GitHub (ASP.NET Core's OAuth handler plus GitHub's REST API), Google (its handler) and any OpenID
/// Connect provider (its handler) as authentication schemes named <c>github</c>, <c>google</c>, <c>oidc</c>.
/// A login starts at <c>{admin}/login/{provider}</c> and comes back to <c>{admin}/signin-{provider}</c>;
/// state and the PKCE verifier travel in a single-use, data-protected correlation cookie; the result is
/// an ordinary admin session (<see cref="LoginTickets"/>).
/// </summary>
public static class LoginProviders
{
    private const string CallbackPrefix = "/signin-";

    public static string Label(string provider, AdminAuthOptions auth) => provider switch
    {
        "github" => "GitHub",
        "google" => "Google",
        _ => auth.Oidc?.DisplayName ?? "single sign-on",
    };

    /// <summary>The provider whose callback <paramref name="path"/> (under the admin path) is, or null.</summary>
    public static string? CallbackOf(PathString path) =>
        path.Value is { } value && value.StartsWith(CallbackPrefix, StringComparison.Ordinal) ? value[CallbackPrefix.Length..] : null;

    public static AuthenticationBuilder AddLoginProviders(this AuthenticationBuilder builder, AdminAuthOptions auth)
    {
        if (auth.GitHub is { } github)
        {
            var api = github.ApiUrl ?? GitHubUser.DefaultApiUrl;
            var orgs = GitHubUser.NeedsOrgs(auth);
            builder.AddOAuth("github", "GitHub", o =>
            {
                Common(o, "github");
                (o.ClientId, o.ClientSecret) = (github.ClientId, github.ClientSecret);
                o.AuthorizationEndpoint = github.AuthorizationEndpoint ?? "https://github.com/login/oauth/authorize";
                o.TokenEndpoint = github.TokenEndpoint ?? "https://github.com/login/oauth/access_token";
                o.UserInformationEndpoint = github.UserInformationEndpoint ?? api + "/user";
                o.UsePkce = true;
                o.Scope.Add("read:user");
                o.Scope.Add("user:email");
                if (orgs) o.Scope.Add("read:org"); // private org and team memberships
                o.Events.OnCreatingTicket = context => GitHubUser.ReadAsync(context, api, orgs);
            });
        }
        if (auth.Google is { } google)
        {
            builder.AddGoogle("google", "Google", o =>
            {
                Common(o, "google");
                (o.ClientId, o.ClientSecret) = (google.ClientId, google.ClientSecret);
                o.AuthorizationEndpoint = google.AuthorizationEndpoint ?? GoogleDefaults.AuthorizationEndpoint;
                o.TokenEndpoint = google.TokenEndpoint ?? GoogleDefaults.TokenEndpoint;
                o.UserInformationEndpoint = google.UserInformationEndpoint ?? GoogleDefaults.UserInformationEndpoint;
                o.UsePkce = true;
                o.Events.OnCreatingTicket = context =>
                {
                    context.Identity!.AddClaim(new System.Security.Claims.Claim(LoginClaims.Identity, ProviderUsers.Google(context.User).ToJson()));
                    return Task.CompletedTask;
                };
            });
        }
        if (auth.Oidc is { } oidc)
        {
            builder.AddOpenIdConnect("oidc", oidc.DisplayName, o =>
            {
                Common(o, "oidc");
                (o.Authority, o.ClientId, o.ClientSecret) = (oidc.Authority, oidc.ClientId, oidc.ClientSecret);
                o.RequireHttpsMetadata = !new Uri(oidc.Authority).IsLoopback; // the reader allows http only on loopback
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query; // a GET back: the Lax correlation cookie travels; a cross-site form_post would lose it
                o.UsePkce = true;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false; // keep sub, email, email_verified and the roles claim under their own names
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "email", "profile" }) o.Scope.Add(scope);
                if (oidc.RolesClaim is { } roles) o.ClaimActions.MapJsonKey(roles, roles);
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.DisableTelemetry = true;
            });
        }
        return builder;
    }

    private static void Common(RemoteAuthenticationOptions o, string provider)
    {
        o.SignInScheme = AdminAuthentication.SessionScheme;
        o.CallbackPath = CallbackPrefix + provider;
        // The provider's redirect back is a cross-site top-level GET: a Strict cookie would not come with it.
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.BackchannelTimeout = TimeSpan.FromSeconds(15);
        // The same events object as OAuthOptions.Events and OpenIdConnectOptions.Events (they only narrow its type).
        o.Events.OnTicketReceived = LoginTickets.ReceivedAsync;
        o.Events.OnRemoteFailure = LoginTickets.FailedAsync;
    }

    /// <summary><c>GET {admin}/login/{provider}?return=…</c>: off to the provider, coming back to a local URL only.</summary>
    private static Task ChallengeAsync(HttpContext context, string provider, AdminOptions admin)
    {
        if (!admin.Auth.Providers.Contains(provider))
        {
            var configured = admin.Auth.Providers.Any() ? string.Join(", ", admin.Auth.Providers) : "none";
            return Observability.AdminResponses.Problem(context, $"no login provider '{provider}' is configured in admin.auth (configured: {configured})", StatusCodes.Status404NotFound);
        }
        var properties = new AuthenticationProperties { RedirectUri = LocalReturn.Of(context.Request.Query["return"].ToString(), admin.Path) };
        return context.ChallengeAsync(provider, properties);
    }

    /// <summary>
    /// <c>{admin}/login/{provider}</c> starts a login; <c>{admin}/signin-{provider}</c> is answered by that scheme's
    /// handler (the work ASP.NET Core's authentication middleware does, here only under the admin path and only
    /// for these paths). Ahead of the <c>/login</c> map, so the handlers see the admin path as the path base
    /// (the redirect URI they send is built from it).
    /// </summary>
    public static IApplicationBuilder UseProviderLogins(this IApplicationBuilder admin, AdminOptions options)
    {
        if (!options.Auth.Providers.Any()) return admin;
        return admin.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/login", out var rest) && rest.Value is { Length: > 1 } provider)
            {
                await ChallengeAsync(context, provider[1..], options);
                return;
            }
            if (CallbackOf(context.Request.Path) is { } callback && options.Auth.Providers.Contains(callback)
                && await context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(context, callback) is IAuthenticationRequestHandler handler
                && await handler.HandleRequestAsync())
            {
                return;
            }
            await next(context);
        });
    }
}
