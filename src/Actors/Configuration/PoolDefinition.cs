using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// A named group of a service's backends: requests from <see cref="Regions"/> (country or continent
/// codes) go to it; when none of its backends is routable they follow <see cref="FallbackPool"/>.
/// Its <see cref="Settings"/> are the service's, overridden key by key by the pool's own.
/// </summary>
public sealed record PoolDefinition(
    string Id,
    ImmutableArray<BackendDefinition> Backends,
    ImmutableArray<string> Regions,
    string? FallbackPool,
    ServiceSettings Settings)
{
    /// <summary>The id of the pool made of a service's plain <c>backends</c> list.</summary>
    public const string DefaultId = "default";

    public bool HasGeoSteering => !Regions.IsEmpty;
}
