using System.Collections.Immutable;
using System.Net;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Steering;

/// <summary>
/// Reads what a request brings to routing: the client's region when the service steers by region,
/// and its affinity key when the service has session affinity. Services with neither pay one branch.
/// </summary>
public sealed class RouteKeys(GeoOptions initial) : IDisposable
{
    private volatile Steering _steering = new(new GeoLocator(initial), initial);

    /// <summary>A reloaded <c>geo</c> / <c>trusted_proxies</c>: new requests use it; the old database closes.</summary>
    public void Update(GeoOptions next)
    {
        if (GeoEquals(_steering.Options, next)) return;
        var old = Interlocked.Exchange(ref _steering, new Steering(new GeoLocator(next), next));
        // Requests that picked up the old database may still be reading it: close it once they are surely done.
        _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => old.Geo.Dispose(), TaskScheduler.Default);
    }

    public void Dispose() => _steering.Geo.Dispose();

    /// <summary>"https" or "http" as the client used it (a trusted TLS-terminating proxy's X-Forwarded-Proto counts).</summary>
    public string Scheme(HttpContext context) => ForwardedProto.Scheme(context, _steering.Options.TrustedProxies);

    /// <summary>The client's address, through <c>trusted_proxies</c> as for steering (ip_allow/ip_deny, rate_limit by ip).</summary>
    public IPAddress? Client(HttpContext context) => ClientAddress.Of(context, _steering.Options.TrustedProxies);

    /// <summary><c>trusted_proxies</c> as loaded now (the transformer decides with it which forwarding headers a client may send).</summary>
    public ImmutableArray<IPNetwork> TrustedProxies => _steering.Options.TrustedProxies;

    public RouteKey For(HttpContext context, ServiceSlot service)
    {
        var affinity = service.Definition.Settings.LoadBalancer.SessionAffinity;
        var usesGeo = service.Routing.UsesGeo;
        if (!usesGeo && affinity.Type == SessionAffinityOptions.None) return RouteKey.None;
        var (geo, options) = _steering;

        IPAddress? client = null;
        string? country = null, continent = null;
        if (usesGeo)
        {
            client = ClientAddress.Of(context, options.TrustedProxies);
            (country, continent) = geo.Locate(context, client);
        }
        switch (affinity.Type)
        {
            case SessionAffinityOptions.Cookie:
                return new RouteKey(country, continent, context.Request.Cookies[affinity.CookieName], 0, false);
            case SessionAffinityOptions.Header:
                var header = context.Request.Headers[affinity.HeaderName];
                return header.Count == 0 || string.IsNullOrEmpty(header[0])
                    ? new RouteKey(country, continent, null, 0, false)
                    : new RouteKey(country, continent, null, StableHash.Of(header[0]), true);
            case SessionAffinityOptions.Ip:
                client ??= ClientAddress.Of(context, options.TrustedProxies);
                return client is null ? new RouteKey(country, continent, null, 0, false) : new RouteKey(country, continent, null, Hash(client), true);
            default:
                return new RouteKey(country, continent, null, 0, false);
        }
    }

    private static bool GeoEquals(GeoOptions a, GeoOptions b) =>
        a.CountryHeader == b.CountryHeader && a.Database == b.Database && a.TrustedProxies.SequenceEqual(b.TrustedProxies);

    private sealed record Steering(GeoLocator Geo, GeoOptions Options);

    private static ulong Hash(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? StableHash.Of(bytes[..written]) : 0;
    }
}
