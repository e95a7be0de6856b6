using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Host.Steering;

/// <summary>
/// Whether the client reached us over HTTPS: the connection itself, or, when the peer is a trusted
/// proxy that terminated TLS, its <c>X-Forwarded-Proto</c>. A client's own header proves nothing.
/// </summary>
public static class ForwardedProto
{
    public const string Https = "https", Http = "http";

    public static string Scheme(HttpContext context, ImmutableArray<IPNetwork> trustedProxies)
    {
        var request = context.Request;
        if (request.IsHttps || !ClientAddress.PeerIsTrusted(context, trustedProxies)) return request.Scheme;
        // The nearest proxy appends last: its word is the rightmost value.
        var forwarded = request.Headers["X-Forwarded-Proto"];
        if (forwarded.Count == 0) return request.Scheme;
        var last = forwarded[^1].AsSpan();
        var comma = last.LastIndexOf(',');
        var value = (comma >= 0 ? last[(comma + 1)..] : last).Trim();
        return value.Equals(Https, StringComparison.OrdinalIgnoreCase) ? Https : value.Equals(Http, StringComparison.OrdinalIgnoreCase) ? Http : request.Scheme;
    }
}
