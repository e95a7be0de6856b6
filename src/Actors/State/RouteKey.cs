namespace FlowBalance.Actors.State;

/// <summary>
/// What a request brings to routing besides its Host: the client's country and continent (geo
/// steering) and its affinity key: a cookie token naming a backend, or a hash to place on the ring.
/// </summary>
public readonly record struct RouteKey(string? Country, string? Continent, string? AffinityToken, ulong AffinityHash, bool HasAffinityHash)
{
    public static RouteKey None => default;
}
