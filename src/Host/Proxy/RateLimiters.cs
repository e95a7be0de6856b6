using System.Collections.Concurrent;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Each rate-limited service's <see cref="ClientBuckets"/>, by service name and settings: a reload that
/// leaves a service's <c>rate_limit</c> as it was keeps its buckets (clients keep what they used), a
/// changed one starts new buckets. Buckets of services no longer in the routing table are dropped
/// whenever a new set is made. Only rate-limited requests look here.
/// </summary>
public sealed class RateLimiters(RoutingTableStore routes)
{
    private readonly ConcurrentDictionary<string, ClientBuckets> _services = new(StringComparer.Ordinal);

    public ClientBuckets For(string service, RateLimitOptions options)
    {
        if (_services.TryGetValue(service, out var buckets) && (ReferenceEquals(buckets.Options, options) || buckets.Options == options)) return buckets;
        return Replace(service, options);
    }

    private ClientBuckets Replace(string service, RateLimitOptions options)
    {
        var buckets = _services.AddOrUpdate(service, static (_, o) => new ClientBuckets(o),
            static (_, old, o) => old.Options == o ? old : new ClientBuckets(o), options);
        var current = routes.Current.Services;
        foreach (var name in _services.Keys)
        {
            if (name != service && !current.Any(s => s.Definition.Name == name)) _services.TryRemove(name, out _);
        }
        return buckets;
    }
}
