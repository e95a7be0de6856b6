using System.Net;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Observability;

/// <summary>
/// Scrapers without credentials: <c>/__lb_admin__/metrics</c> answers loopback clients and the ranges in
/// <c>metrics.allow</c> (the TCP peer, never a forwarded header); anyone else needs the admin token or an API key.
/// </summary>
public static class MetricsAccess
{
    public static bool Allowed(IPAddress? peer, MetricsOptions options)
    {
        if (peer is null) return false;
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        if (IPAddress.IsLoopback(peer)) return true;
        foreach (var network in options.Allow)
        {
            if (network.Contains(peer)) return true;
        }
        return false;
    }
}
