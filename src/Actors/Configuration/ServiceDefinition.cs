using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// One service: the hostname it answers (null = catch-all, <c>*.example.com</c> = wildcard),
/// its backends and pools, and its settings after top-level defaults were applied.
/// </summary>
public sealed record ServiceDefinition(
    string Name,
    string? Hostname,
    ImmutableArray<BackendDefinition> Backends,
    ImmutableArray<PoolDefinition> Pools,
    ServiceSettings Settings)
{
    public bool IsCatchAll => Hostname is null;

    public bool IsWildcard => Hostname is not null && Hostname.StartsWith("*.", StringComparison.Ordinal);

    public string DisplayHost => Hostname ?? "* (catch-all)";

    /// <summary>Whether <paramref name="other"/> routes exactly like this (a reload leaves such a service untouched).</summary>
    public bool SameAs(ServiceDefinition other) =>
        Name == other.Name && Hostname == other.Hostname && Settings == other.Settings
        && Backends.SequenceEqual(other.Backends)
        && Pools.Length == other.Pools.Length
        && Pools.Zip(other.Pools).All(p => p.First.Id == p.Second.Id && p.First.FallbackPool == p.Second.FallbackPool
            && p.First.Settings == p.Second.Settings && p.First.Regions.SequenceEqual(p.Second.Regions) && p.First.Backends.SequenceEqual(p.Second.Backends));

    /// <summary>The settings a backend runs with: its pool's (which default to the service's).</summary>
    public ServiceSettings SettingsFor(BackendDefinition backend)
    {
        foreach (var pool in Pools)
        {
            if (pool.Backends.Contains(backend)) return pool.Settings;
        }
        return Settings;
    }
}
