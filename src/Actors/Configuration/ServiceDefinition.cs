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
