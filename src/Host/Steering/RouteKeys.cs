using System.Net;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Steering;

/// <summary>
/// Reads what a request brings to routing: the client's region when the service steers by region,
/// and its affinity key when the service has session affinity. Services with neither pay one branch.
/// </summary>
public sealed class RouteKeys(GeoLocator geo, FlowBalanceOptions options)
{
    public RouteKey For(HttpContext context, ServiceSlot service)
    {
        var affinity = service.Definition.Settings.LoadBalancer.SessionAffinity;
        var usesGeo = service.Routing.UsesGeo;
        if (!usesGeo && affinity.Type == SessionAffinityOptions.None) return RouteKey.None;

        IPAddress? client = null;
        string? country = null, continent = null;
        if (usesGeo)
        {
            client = ClientAddress.Of(context, options.Geo.TrustedProxies);
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
                client ??= ClientAddress.Of(context, options.Geo.TrustedProxies);
                return client is null ? new RouteKey(country, continent, null, 0, false) : new RouteKey(country, continent, null, Hash(client), true);
            default:
                return new RouteKey(country, continent, null, 0, false);
        }
    }

    private static ulong Hash(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? StableHash.Of(bytes[..written]) : 0;
    }
}
