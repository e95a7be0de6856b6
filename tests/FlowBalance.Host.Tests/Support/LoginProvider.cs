using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowBalance.Host.Tests.Support;

/// <summary>Who is signed in at the <see cref="LoginProvider"/>: a GitHub user, a Google account and an OIDC subject at once.</summary>
public sealed record LoginUser(string Login, long Id, string Name, string Email, bool EmailVerified = true)
{
    /// <summary>GitHub organization logins (GET /api/user/orgs).</summary>
    public string[] Orgs { get; init; } = [];

    /// <summary>GitHub teams as "org/team-slug" (GET /api/user/teams).</summary>
    public string[] Teams { get; init; } = [];

    /// <summary>Values of the OIDC "roles" claim (id_token and userinfo).</summary>
    public string[] Roles { get; init; } = [];

    /// <summary>Google's "hd" (Workspace domain); left out of userinfo when null, as Google does for consumer accounts.</summary>
    public string? HostedDomain { get; init; }
}

/// <summary>
/// A real OAuth 2.0 / OpenID Connect identity provider on 127.0.0.1, playing GitHub, Google and a generic OIDC
/// provider at once, so end-to-end tests run the whole authorization-code flow of ASP.NET Core's OAuth, Google and
/// OpenIdConnect handlers (redirects, state, PKCE, code exchange, signed id_token, cookies) without the internet.
/// It is as strict as the real ones: PKCE S256 is required, codes are single-use and short-lived, clients must authenticate.
/// </summary>
public sealed class LoginProvider : IAsyncDisposable
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);
    private const int AccessTokenSeconds = 3600;
    private const int IdTokenSeconds = 300;

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _keyId;
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, bool> _usedCodes = new();
    private readonly ConcurrentDictionary<string, LoginUser> _accessTokens = new();
    private readonly ConcurrentDictionary<string, int> _gets = new();
    private readonly ConcurrentQueue<string> _tokenErrors = new();
    private LoginUser? _user;
    private int _codesIssued, _tokenRequests, _tokensIssued;
    private volatile string? _lastCodeChallengeMethod, _lastRedirectUri, _lastScope;

    /// <summary>What an authorization code stands for, checked again when it is exchanged.</summary>
    private sealed record Grant(string ClientId, string RedirectUri, string CodeChallenge, string? Nonce, string Scope, LoginUser User, DateTimeOffset IssuedAt);

    private LoginProvider(WebApplication app, string clientId, string clientSecret)
    {
        _app = app;
        ClientId = clientId;
        ClientSecret = clientSecret;
        _keyId = Base64Url.EncodeToString(SHA256.HashData(_key.ExportParameters(false).Modulus!))[..16];
    }

    public string Url { get; private set; } = "";
    public string ClientId { get; }
    public string ClientSecret { get; }

    /// <summary>Who approves at the authorization endpoint (already signed in, app already authorized); null: the user denies.</summary>
    public LoginUser? User { get => Volatile.Read(ref _user); set => Volatile.Write(ref _user, value); }

    /// <summary>
    /// Show a consent page whose button the user presses (a real browser's navigation then starts at this
    /// provider's page, as at github.com); off: auto-approve, as for a user who authorized the app before.
    /// </summary>
    public bool AsksConsent { get; set; }

    public int CodesIssued => Volatile.Read(ref _codesIssued);
    public int TokenRequests => Volatile.Read(ref _tokenRequests);
    public int TokensIssued => Volatile.Read(ref _tokensIssued);
    public IReadOnlyList<string> TokenErrors => _tokenErrors.ToArray();
    public string? LastCodeChallengeMethod => _lastCodeChallengeMethod;
    public string? LastRedirectUri => _lastRedirectUri;
    public string? LastScope => _lastScope;

    /// <summary>GETs that reached a path, refused or not; a GitHub API path may be given without its "/api" root ("/user/orgs").</summary>
    public int ApiCalls(string path) => _gets.GetValueOrDefault(path) + _gets.GetValueOrDefault("/api" + path);

    public string AuthorizationEndpoint => Url + "/login/oauth/authorize";
    public string TokenEndpoint => Url + "/login/oauth/access_token";
    public string GitHubApiUrl => Url + "/api";
    public string GoogleUserInfoEndpoint => Url + "/oauth2/v3/userinfo";
    public string Authority => Url + "/oidc";

    public static async Task<LoginProvider> StartAsync(string clientId = "fb-client", string clientSecret = "fb-secret")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new LoginProvider(app, clientId, clientSecret);
        provider.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        provider.Url = address.TrimEnd('/');
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method)) _gets.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            return next(context);
        });
        app.MapGet("/", () => "FlowBalance test login provider");
        app.MapGet("/login/oauth/authorize", Run(Authorize));
        app.MapPost("/login/oauth/access_token", Run(ExchangeAsync));
        app.MapGet("/api/user", Run(c => GitHub(c, u => new { login = u.Login, id = u.Id, name = u.Name, email = u.EmailVerified ? u.Email : null })));
        app.MapGet("/api/user/emails", Run(c => GitHub(c, u => new[] { new { email = u.Email, primary = true, verified = u.EmailVerified, visibility = "public" } })));
        app.MapGet("/api/user/orgs", Run(c => GitHub(c, u => u.Orgs.Select((org, i) => new { login = org, id = i + 1 }))));
        app.MapGet("/api/user/teams", Run(c => GitHub(c, u => u.Teams.Select(GitHubTeam))));
        app.MapGet("/oauth2/v3/userinfo", Run(c => WithBearer(c, GoogleUserInfo)));
        app.MapGet("/oidc/.well-known/openid-configuration", Run(_ => Results.Json(Discovery())));
        app.MapGet("/oidc/jwks", Run(_ => Results.Json(Jwks())));
        app.MapGet("/oidc/userinfo", Run(c => WithBearer(c, OidcUserInfo)));
        app.MapGet("/oidc/logout", Run(EndSession));
    }

    /// <summary>Handlers return IResult; wrapping them makes sure it is executed (a Task&lt;IResult&gt; lambda would bind as a RequestDelegate and be dropped).</summary>
    private static RequestDelegate Run(Func<HttpContext, IResult> handler) => context => handler(context).ExecuteAsync(context);

    private static RequestDelegate Run(Func<HttpContext, Task<IResult>> handler) => async context => await (await handler(context)).ExecuteAsync(context);

    /// <summary>Auto-approves as <see cref="User"/>; a bad client or redirect_uri gets an error page, not a redirect (RFC 6749 4.1.2.1).</summary>
    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        string? Param(string name) => query[name].Count == 1 && query[name][0] is { Length: > 0 } value ? value : null;
        var redirectUri = Param("redirect_uri");
        var state = Param("state");
        _lastCodeChallengeMethod = Param("code_challenge_method");
        _lastRedirectUri = redirectUri;
        _lastScope = Param("scope");

        if (Param("client_id") != ClientId) return OAuthError(400, "invalid_request", "unknown client_id");
        if (!IsHttpUrl(redirectUri)) return OAuthError(400, "invalid_request", "redirect_uri must be an absolute http(s) URL");
        (string Error, string Description)? Problem() =>
            Param("response_type") != "code" ? ("unsupported_response_type", "response_type must be code")
            : state is null ? ("invalid_request", "state is required")
            : Param("code_challenge") is null ? ("invalid_request", "code_challenge is required (PKCE)")
            : _lastCodeChallengeMethod != "S256" ? ("invalid_request", "code_challenge_method must be S256")
            : null;
        if (Problem() is { } problem) return RedirectBack(redirectUri!, ("error", problem.Error), ("error_description", problem.Description), ("state", state));
        if (User is not { } user) return RedirectBack(redirectUri!, ("error", "access_denied"), ("error_description", "the user denied access"), ("state", state));
        if (AsksConsent && Param("consent") != "yes")
        {
            var approve = System.Net.WebUtility.HtmlEncode(QueryHelpers.AddQueryString(context.Request.Path + context.Request.QueryString, "consent", "yes"));
            return Results.Content($"""<!doctype html><html><body><p>Authorize the FlowBalance admin plane as {System.Net.WebUtility.HtmlEncode(user.Login)}?</p><a id="authorize" href="{approve}">Authorize</a></body></html>""", "text/html");
        }

        var code = NewSecret();
        _codes[code] = new Grant(ClientId, redirectUri!, Param("code_challenge")!, Param("nonce"), _lastScope ?? "", user, DateTimeOffset.UtcNow);
        Interlocked.Increment(ref _codesIssued);
        return RedirectBack(redirectUri!, ("code", code), ("state", state));
    }

    /// <summary>The code exchange; each check is one a real provider makes, and the code is spent on its first presentation.</summary>
    private async Task<IResult> ExchangeAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType) return Refuse(400, "invalid_request", "the token request must be form-encoded");
        var form = await context.Request.ReadFormAsync();

        var usesBasic = AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);
        if (usesBasic && form.ContainsKey("client_secret")) return Refuse(400, "invalid_request", "client authenticated with more than one method");
        var (clientId, secret) = usesBasic ? BasicCredentials(header!.Parameter) : (form["client_id"].ToString(), form["client_secret"].ToString());
        if (usesBasic && form.ContainsKey("client_id") && form["client_id"] != clientId) return Refuse(400, "invalid_request", "client_id differs from the authenticated client");
        if (clientId != ClientId || secret != ClientSecret)
        {
            if (usesBasic) context.Response.Headers.WWWAuthenticate = "Basic realm=\"FlowBalance test login provider\"";
            return Refuse(401, "invalid_client", "client authentication failed");
        }

        if (form["grant_type"] != "authorization_code") return Refuse(400, "unsupported_grant_type", "grant_type must be authorization_code");
        var code = form["code"].ToString();
        if (code.Length == 0) return Refuse(400, "invalid_request", "code is required");
        if (!_codes.TryRemove(code, out var grant)) return Refuse(400, "invalid_grant", _usedCodes.ContainsKey(code) ? "code already used" : "unknown code");
        _usedCodes[code] = true;
        if (grant.ClientId != clientId) return Refuse(400, "invalid_grant", "code was issued to another client");
        if (DateTimeOffset.UtcNow - grant.IssuedAt > CodeLifetime) return Refuse(400, "invalid_grant", "code expired");
        if (form["redirect_uri"] != grant.RedirectUri) return Refuse(400, "invalid_grant", "redirect_uri does not match the authorization request");
        if (!VerifierMatches(form["code_verifier"].ToString(), grant.CodeChallenge)) return Refuse(400, "invalid_grant", "PKCE verification failed");

        var accessToken = NewSecret();
        _accessTokens[accessToken] = grant.User;
        var response = new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "bearer",
            ["scope"] = grant.Scope,
            ["expires_in"] = AccessTokenSeconds,
        };
        if (grant.Scope.Split(' ').Contains("openid")) response["id_token"] = IdToken(grant, accessToken);
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(response);
    }

    /// <summary>RFC 6749 2.3.1: id and secret are form-encoded before Base64; unreadable credentials simply fail to match.</summary>
    private static (string Id, string Secret) BasicCredentials(string? parameter)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? ""));
            var colon = pair.IndexOf(':');
            static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
            return colon < 0 ? ("", "") : (Decode(pair[..colon]), Decode(pair[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return ("", "");
        }
    }

    /// <summary>RFC 7636 4.1 and 4.6: a verifier of 43 to 128 unreserved characters whose SHA-256 is the S256 challenge.</summary>
    private static bool VerifierMatches(string verifier, string challenge) =>
        verifier.Length is >= 43 and <= 128
        && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
        && Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == challenge;

    /// <summary>GitHub's REST API refuses requests without a User-Agent (403) before it looks at the token.</summary>
    private IResult GitHub(HttpContext context, Func<LoginUser, object> body)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.UserAgent))
            return Results.Json(new { message = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header." }, statusCode: 403);
        return BearerUser(context.Request, allowTokenScheme: true) is { } user ? Results.Json(body(user)) : Results.Json(new { message = "Bad credentials" }, statusCode: 401);
    }

    private IResult WithBearer(HttpContext context, Func<LoginUser, object> body)
    {
        if (BearerUser(context.Request, allowTokenScheme: false) is { } user) return Results.Json(body(user));
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Results.Json(new { error = "invalid_token", error_description = "missing or unknown access token" }, statusCode: 401);
    }

    /// <summary>The user behind "Authorization: Bearer t" (GitHub also takes its older "token t").</summary>
    private LoginUser? BearerUser(HttpRequest request, bool allowTokenScheme)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Parameter is not { } token) return null;
        var schemeOk = header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || (allowTokenScheme && header.Scheme.Equals("token", StringComparison.OrdinalIgnoreCase));
        return schemeOk ? _accessTokens.GetValueOrDefault(token) : null;
    }

    private static object GitHubTeam(string team, int index)
    {
        var slash = team.IndexOf('/');
        var (org, slug) = slash < 0 ? ("", team) : (team[..slash], team[(slash + 1)..]);
        return new { id = index + 1, slug, name = slug, organization = new { login = org } };
    }

    /// <summary>Google's v3 userinfo carries "sub" only: .NET's GoogleOptions maps NameIdentifier from both "id" (v2) and "sub" (v3), so sending both would duplicate the claim.</summary>
    private object GoogleUserInfo(LoginUser user)
    {
        var space = user.Name.IndexOf(' ');
        var info = new Dictionary<string, object>
        {
            ["sub"] = Subject(user),
            ["name"] = user.Name,
            ["given_name"] = space < 0 ? user.Name : user.Name[..space],
            ["family_name"] = space < 0 ? "" : user.Name[(space + 1)..],
            ["picture"] = $"{Url}/avatars/{Subject(user)}.png",
            ["email"] = user.Email,
            ["email_verified"] = user.EmailVerified,
        };
        if (user.HostedDomain is { } domain) info["hd"] = domain;
        return info;
    }

    private object OidcUserInfo(LoginUser user) => new
    {
        sub = Subject(user), email = user.Email, email_verified = user.EmailVerified, name = user.Name, preferred_username = user.Login, roles = user.Roles,
    };

    private object Discovery() => new
    {
        issuer = Authority,
        authorization_endpoint = AuthorizationEndpoint,
        token_endpoint = TokenEndpoint,
        userinfo_endpoint = Authority + "/userinfo",
        jwks_uri = Authority + "/jwks",
        end_session_endpoint = Authority + "/logout",
        response_types_supported = new[] { "code" },
        response_modes_supported = new[] { "query" },
        grant_types_supported = new[] { "authorization_code" },
        subject_types_supported = new[] { "public" },
        id_token_signing_alg_values_supported = new[] { "RS256" },
        scopes_supported = new[] { "openid", "email", "profile" },
        code_challenge_methods_supported = new[] { "S256" },
        token_endpoint_auth_methods_supported = new[] { "client_secret_post", "client_secret_basic" },
        claims_supported = new[] { "iss", "sub", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "email", "email_verified", "name", "preferred_username", "roles" },
    };

    private object Jwks()
    {
        var key = _key.ExportParameters(false);
        return new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = _keyId, n = Base64Url.EncodeToString(key.Modulus), e = Base64Url.EncodeToString(key.Exponent) } } };
    }

    /// <summary>The OpenIdConnect handler's sign-out needs an end_session_endpoint; this one just sends the browser back.</summary>
    private IResult EndSession(HttpContext context)
    {
        var back = context.Request.Query["post_logout_redirect_uri"].ToString();
        if (back.Length == 0) return Results.Text("signed out");
        if (!IsHttpUrl(back)) return OAuthError(400, "invalid_request", "post_logout_redirect_uri must be an absolute http(s) URL");
        return RedirectBack(back, ("state", context.Request.Query["state"].FirstOrDefault()));
    }

    /// <summary>An RS256 id_token (compact JWS) the OpenIdConnect handler validates against <see cref="Jwks"/>; at_hash binds it to the access token.</summary>
    private string IdToken(Grant grant, string accessToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Authority,
            ["sub"] = Subject(grant.User),
            ["aud"] = grant.ClientId,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + IdTokenSeconds,
            ["at_hash"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            ["email"] = grant.User.Email,
            ["email_verified"] = grant.User.EmailVerified,
            ["name"] = grant.User.Name,
            ["preferred_username"] = grant.User.Login,
            ["roles"] = grant.User.Roles,
        };
        if (grant.Nonce is { } nonce) claims["nonce"] = nonce;
        var signingInput = Segment(new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = _keyId, ["typ"] = "JWT" }) + "." + Segment(claims);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static string Segment<T>(T value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Subject(LoginUser user) => user.Id.ToString(CultureInfo.InvariantCulture);

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Appends parameters to the client's redirect_uri, keeping any query it already has.</summary>
    private static IResult RedirectBack(string redirectUri, params (string Name, string? Value)[] parameters) =>
        Results.Redirect(QueryHelpers.AddQueryString(redirectUri, parameters.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Name, p.Value))));

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private IResult Refuse(int status, string error, string description)
    {
        _tokenErrors.Enqueue(description);
        return OAuthError(status, error, description);
    }
}
