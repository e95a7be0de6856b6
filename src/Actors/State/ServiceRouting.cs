using System.Collections.Frozen;
using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.State;

/// <summary>
/// A service's routing at one moment: its pools (one implicit pool when none is configured), which
/// pool each region goes to, and the affinity tokens. <see cref="Pick"/> applies, in order: a valid
/// affinity cookie, the client's pool then its fallback chain then any pool with a routable backend
/// (by hash on the ring when the request has a header/IP affinity key, else by the pool's algorithm),
/// and last the least recently failed backend. Lock-free and allocation-free.
/// </summary>
public sealed class ServiceRouting
{
    /// <summary>Ring positions inspected for a hashed key before falling back to the pool's algorithm.</summary>
    private const int MaxRingProbes = 64;

    private readonly FrozenDictionary<string, int> _regions;
    private readonly FrozenDictionary<string, BackendSlot> _tokens;
    private readonly int _defaultPool;

    private ServiceRouting(ImmutableArray<PoolRouting> pools, FrozenDictionary<string, int> regions, FrozenDictionary<string, BackendSlot> tokens, int defaultPool)
    {
        Pools = pools;
        _regions = regions;
        _tokens = tokens;
        _defaultPool = defaultPool;
    }

    public ImmutableArray<PoolRouting> Pools { get; }

    /// <summary>Whether some pool is steered by region (so the request path must find the client's region).</summary>
    public bool UsesGeo => _regions.Count > 0;

    public BackendSlot? Pick(in RouteKey key, out Admission admission, IReadOnlyList<BackendSlot>? tried = null)
    {
        if (key.AffinityToken is { } token && _tokens.TryGetValue(token, out var sticky) && AdmitsSticky(sticky, tried, out admission)) return sticky;
        var chain = Pools[PoolFor(key)].Chain;
        foreach (var index in chain)
        {
            var pool = Pools[index];
            if (key.HasAffinityHash && ByHash(pool, key.AffinityHash, tried, out admission) is { } hashed) return hashed;
            if (pool.Snapshot.PickRoutable(out admission, tried) is { } picked) return picked;
        }
        foreach (var index in chain)
        {
            if (Pools[index].Snapshot.LastResort(out admission, tried) is { } last) return last;
        }
        admission = Admission.Rejected;
        return null;
    }

    /// <summary>The pool for the client's country, else its continent, else the default pool.</summary>
    public int PoolFor(in RouteKey key)
    {
        if (_regions.Count == 0) return _defaultPool;
        if (key.Country is { } country && _regions.TryGetValue(country, out var byCountry)) return byCountry;
        if (key.Continent is { } continent && _regions.TryGetValue(continent, out var byContinent)) return byContinent;
        return _defaultPool;
    }

    /// <summary>The first routable backend clockwise from the key's place on the ring.</summary>
    private static BackendSlot? ByHash(PoolRouting pool, ulong hash, IReadOnlyList<BackendSlot>? tried, out Admission admission)
    {
        admission = Admission.Rejected;
        var ring = pool.Ring;
        if (ring is null || ring.Count == 0) return null;
        var start = ring.Start(hash);
        var now = Environment.TickCount64;
        for (var i = 0; i < Math.Min(ring.Count, MaxRingProbes); i++)
        {
            var slot = ring.At(start + i);
            // A draining or disabled backend is skipped: its header/IP sessions move to the next point at once.
            if (!slot.Current.Routable && !pool.Snapshot.Panic || slot.Admin.State != AdminState.Enabled || RoutingSnapshot.Tried(slot, tried)) continue;
            admission = slot.Admit(now);
            if (admission != Admission.Rejected) return slot;
        }
        return null;
    }

    private static bool AdmitsSticky(BackendSlot slot, IReadOnlyList<BackendSlot>? tried, out Admission admission)
    {
        admission = Admission.Rejected;
        // A draining backend keeps its cookie sessions (no new ones: the algorithm never picks it) until they move or drain_timeout passes.
        if (!slot.Current.Routable || slot.Admin.State == AdminState.Disabled || RoutingSnapshot.Tried(slot, tried)) return false;
        admission = slot.Admit(Environment.TickCount64);
        return admission != Admission.Rejected;
    }

    /// <summary>Builds the routing for <paramref name="backends"/> as they are now; rings and tokens are reused from <paramref name="previous"/>.</summary>
    public static ServiceRouting Build(ServiceDefinition definition, ImmutableArray<BackendSlot> backends, ServiceRouting? previous)
    {
        var pools = definition.Pools.IsEmpty
            ? [new PoolDefinition(PoolDefinition.DefaultId, definition.Backends, [], null, definition.Settings)]
            : definition.Pools;
        var byId = backends.ToDictionary(b => b.Definition.Id, StringComparer.Ordinal);
        var hashed = definition.Settings.LoadBalancer.SessionAffinity.Type is SessionAffinityOptions.Header or SessionAffinityOptions.Ip;
        var routings = ImmutableArray.CreateBuilder<PoolRouting>(pools.Length);
        for (var i = 0; i < pools.Length; i++)
        {
            var pool = pools[i];
            ImmutableArray<BackendSlot> members = [.. pool.Backends.Select(b => byId[b.Id])];
            // Rings cost 256 points per backend: only services that hash a header or the client address get one.
            var ring = !hashed ? null
                : previous?.Pools.Length == pools.Length && previous.Pools[i].Ring is { } kept && kept.Backends.SequenceEqual(members) ? kept
                : new HashRing(members);
            var snapshot = RoutingSnapshot.From(members, pool.Settings.PanicThreshold, PickAlgorithms.Parse(pool.Settings.LoadBalancer.Algorithm));
            routings.Add(new PoolRouting(pool, snapshot, ring, previous?.Pools.Length == pools.Length ? previous.Pools[i].Chain : Chain(pools, i)));
        }
        var regions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < pools.Length; i++)
        {
            foreach (var region in pools[i].Regions) regions.TryAdd(region, i); // the first pool to claim a region gets it
        }
        var defaultPool = Math.Max(0, pools.IndexOf(pools.FirstOrDefault(p => !p.HasGeoSteering) ?? pools[0]));
        var tokens = previous?._tokens ?? backends.ToFrozenDictionary(b => b.AffinityToken, StringComparer.Ordinal);
        return new ServiceRouting(routings.MoveToImmutable(), regions.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), tokens, defaultPool);
    }

    /// <summary>Pool <paramref name="start"/>, its fallback chain (configured), then every other pool in order.</summary>
    private static int[] Chain(ImmutableArray<PoolDefinition> pools, int start)
    {
        var order = new List<int> { start };
        for (var next = pools[start].FallbackPool; next is not null;)
        {
            var index = pools.IndexOf(pools.FirstOrDefault(p => p.Id == next)!);
            if (index < 0 || order.Contains(index)) break;
            order.Add(index);
            next = pools[index].FallbackPool;
        }
        order.AddRange(Enumerable.Range(0, pools.Length).Where(i => !order.Contains(i)));
        return [.. order];
    }
}
