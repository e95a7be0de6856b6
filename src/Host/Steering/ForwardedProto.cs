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
        if (request.IsHttps || trustedProxies.IsEmpty) return request.Scheme;
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null) return request.Scheme;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        var trusted = false;
        foreach (var network in trustedProxies) trusted |= network.Contains(peer);
        if (!trusted) return request.Scheme;
        // The nearest proxy appends last: its word is the rightmost value.
        var forwarded = request.Headers["X-Forwarded-Proto"];
        if (forwarded.Count == 0) return request.Scheme;
        var last = forwarded[^1].AsSpan();
        var comma = last.LastIndexOf(',');
        var value = (comma >= 0 ? last[(comma + 1)..] : last).Trim();
        return value.Equals(Https, StringComparison.OrdinalIgnoreCase) ? Https : value.Equals(Http, StringComparison.OrdinalIgnoreCase) ? Http : request.Scheme;
    }
}
