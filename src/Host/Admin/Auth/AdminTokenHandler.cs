using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> for scripts and scrapers: the admin token (the bootstrap one or
/// <c>FLOWBALANCE_ADMIN_TOKEN</c>, role admin) or an API key (<c>fbk_…</c>, its own role). No header: no
/// result (the cookie may still authenticate); a wrong, revoked or expired one: failure.
/// </summary>
public sealed class AdminTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AdminCredentials credentials,
    ApiKeyAuthenticator keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var token = header["Bearer ".Length..].Trim();
        if (ApiKeys.LooksLikeKey(token))
        {
            var (key, refusal) = keys.Authenticate(token, Context.Connection.RemoteIpAddress?.ToString(), SchemeName);
            return Task.FromResult(key is null ? AuthenticateResult.Fail(refusal!) : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(key), SchemeName)));
        }
        if (!credentials.Verify(token)) return Task.FromResult(AuthenticateResult.Fail("the token is not valid"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credentials.Subject), new Claim(AdminClaims.Method, "token")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
