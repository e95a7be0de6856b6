using Microsoft.AspNetCore.Http.Extensions;

namespace FlowBalance.Host.Edge;

/// <summary>
/// <c>redirect_https</c>: a plain-HTTP request is answered 308 (method and body kept) to the same URL
/// on the first HTTPS listener's port (left out when it is 443). The ACME challenge path is never redirected.
/// </summary>
public sealed class HttpsRedirect
{
    /// <summary>The port of the first HTTPS listener, once Kestrel bound it.</summary>
    public int Port { get; set; } = 443;

    public static bool IsAcmeChallenge(HttpRequest request) => request.Path.StartsWithSegments(Acme.Http01Challenges.Path, StringComparison.Ordinal);

    public Task Answer(HttpContext context, ReadOnlySpan<char> host)
    {
        var request = context.Request;
        var name = host.Contains(':') ? $"[{host}]" : host.ToString(); // an IPv6 literal goes back in brackets
        var authority = Port == 443 ? name : $"{name}:{Port}";
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = UriHelper.BuildAbsolute(Uri.UriSchemeHttps, new HostString(authority), request.PathBase, request.Path, request.QueryString);
        return Task.CompletedTask;
    }
}
