using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>A named group of backends with optional geo steering (behaviour arrives with geo routing).</summary>
public sealed record PoolDefinition(
    string Id,
    ImmutableArray<BackendDefinition> Backends,
    ImmutableArray<string> Regions,
    string? FallbackPool);
