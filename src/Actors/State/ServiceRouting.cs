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
    private readonly FrozenDictionary<string, Sticky> _tokens;
    private readonly int _defaultPool;
    private readonly ChoiceMethod _hashMethod;

    private ServiceRouting(ImmutableArray<PoolRouting> pools, FrozenDictionary<string, int> regions, FrozenDictionary<string, Sticky> tokens, int defaultPool,
        ChoiceMethod hashMethod)
    {
        Pools = pools;
        _regions = regions;
        _tokens = tokens;
        _defaultPool = defaultPool;
        _hashMethod = hashMethod;
    }

    public ImmutableArray<PoolRouting> Pools { get; }

    /// <summary>Whether some pool is steered by region (so the request path must find the client's region).</summary>
    public bool UsesGeo => _regions.Count > 0;

    public BackendSlot? Pick(in RouteKey key, out Admission admission, IReadOnlyList<BackendSlot>? tried = null) =>
        Pick(key, out admission, out _, tried);

    /// <summary>The same pick, saying why in <paramref name="choice"/> (default when it returns null).</summary>
    public BackendSlot? Pick(in RouteKey key, out Admission admission, out BackendChoice choice, IReadOnlyList<BackendSlot>? tried = null)
    {
        var flags = ChoiceFlags.None;
        if (key.AffinityToken is { } token)
        {
            if (!_tokens.TryGetValue(token, out var sticky)) flags |= ChoiceFlags.AffinityUnknown;
            else if (AdmitsSticky(sticky.Slot, tried, out admission))
            {
                choice = new BackendChoice(sticky.Pool, null, ChoiceMethod.AffinityCookie, WithTrial(flags, admission));
                return sticky.Slot;
            }
            else flags |= ChoiceFlags.AffinityMoved;
        }
        var home = PoolFor(key, out var byRegion);
        if (byRegion) flags |= ChoiceFlags.Region;
        var chain = Pools[home].Chain;
        // A hashed key that its ring could not place has moved, whichever algorithm then picks.
        var unplaced = key.HasAffinityHash ? flags | ChoiceFlags.AffinityMoved : flags;
        for (var i = 0; i < chain.Length; i++)
        {
            var pool = Pools[chain[i]];
            if (key.HasAffinityHash && ByHash(pool, key.AffinityHash, tried, out admission) is { } hashed)
            {
                choice = Chose(pool, home, i, _hashMethod, flags, admission);
                return hashed;
            }
            if (pool.Snapshot.PickRoutable(out admission, tried) is { } picked)
            {
                var method = pool.Snapshot.Panic ? ChoiceMethod.Panic : Method(pool.Snapshot.Algorithm);
                choice = Chose(pool, home, i, method, unplaced, admission);
                return picked;
            }
        }
        for (var i = 0; i < chain.Length; i++)
        {
            var pool = Pools[chain[i]];
            if (pool.Snapshot.LastResort(out admission, tried) is { } last)
            {
                choice = Chose(pool, home, i, admission == Admission.Rescue ? ChoiceMethod.FailOpen : ChoiceMethod.SlowStartBypass, unplaced, admission);
                return last;
            }
        }
        admission = Admission.Rejected;
        choice = default;
        return null;
    }

    /// <summary>The pool for the client's country, else its continent, else the default pool.</summary>
    public int PoolFor(in RouteKey key) => PoolFor(key, out _);

    /// <summary><see cref="PoolFor(in RouteKey)"/>, and whether the client's region chose it.</summary>
    private int PoolFor(in RouteKey key, out bool byRegion)
    {
        byRegion = true;
        if (_regions.Count > 0)
        {
            if (key.Country is { } country && _regions.TryGetValue(country, out var byCountry)) return byCountry;
            if (key.Continent is { } continent && _regions.TryGetValue(continent, out var byContinent)) return byContinent;
        }
        byRegion = false;
        return _defaultPool;
    }

    /// <summary>The choice of <paramref name="pool"/>, found at <paramref name="position"/> of the client's pool's chain.</summary>
    private BackendChoice Chose(PoolRouting pool, int home, int position, ChoiceMethod method, ChoiceFlags flags, Admission admission) =>
        position == 0
            ? new BackendChoice(pool.Definition.Id, null, method, WithTrial(flags, admission))
            : new BackendChoice(pool.Definition.Id, Pools[home].Definition.Id, method, WithTrial(flags | ChoiceFlags.Fallback, admission));

    private static ChoiceFlags WithTrial(ChoiceFlags flags, Admission admission) => admission == Admission.Trial ? flags | ChoiceFlags.Trial : flags;

    private static ChoiceMethod Method(PickAlgorithm algorithm) => algorithm switch
    {
        PickAlgorithm.LeastOutstandingRequests => ChoiceMethod.LeastOutstandingRequests,
        PickAlgorithm.PowerOfTwoChoices => ChoiceMethod.PowerOfTwoChoices,
        PickAlgorithm.Random => ChoiceMethod.Random,
        _ => ChoiceMethod.RoundRobin,
    };

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
        var tokens = previous?._tokens ?? Tokens(routings);
        var hashMethod = definition.Settings.LoadBalancer.SessionAffinity.Type == SessionAffinityOptions.Ip ? ChoiceMethod.IpHash : ChoiceMethod.HeaderHash;
        return new ServiceRouting(routings.MoveToImmutable(), regions.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), tokens, defaultPool, hashMethod);
    }

    /// <summary>Each backend's affinity token, with the pool the backend belongs to (a backend is in one pool).</summary>
    private static FrozenDictionary<string, Sticky> Tokens(ImmutableArray<PoolRouting>.Builder pools) =>
        pools.SelectMany(p => p.Snapshot.All.Select(b => new Sticky(b, p.Definition.Id))).ToFrozenDictionary(s => s.Slot.AffinityToken, StringComparer.Ordinal);

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

    /// <summary>The backend an affinity token names, and its pool.</summary>
    private sealed record Sticky(BackendSlot Slot, string Pool);
}
