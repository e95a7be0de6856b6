using System.Collections.Immutable;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// The first choice of the load-aware and random algorithms, over lock-free reads of each
/// backend's in-flight counter (no locks, no allocation). The caller admits the choice through the
/// backend's gate and falls back to a scan when it refuses.
/// </summary>
internal static class LoadAwarePicks
{
    /// <summary>
    /// How many backends one least-outstanding pick compares. Pools up to this size get the exact
    /// least loaded; larger pools the least loaded of a window that moves on every pick (like
    /// Envoy's choice_count), so the cost stays constant: a full scan of 1,000 backends took 4.2 µs.
    /// </summary>
    public const int LeastOutstandingWindow = 16;

    /// <summary>Least in-flight requests per weight, over a rotating window, so ties spread evenly.</summary>
    public static BackendSlot? LeastOutstanding(ImmutableArray<BackendSlot> routable, long step, IReadOnlyList<BackendSlot>? tried)
    {
        BackendSlot? best = null;
        long bestInFlight = 0;
        var n = routable.Length;
        var window = Math.Min(n, LeastOutstandingWindow);
        var start = n <= LeastOutstandingWindow ? step : step * LeastOutstandingWindow;
        for (var i = 0; i < window; i++)
        {
            var slot = routable[(int)((ulong)(start + i) % (ulong)n)];
            if (RoutingSnapshot.Tried(slot, tried)) continue;
            var inFlight = slot.Counters.InFlight;
            // inFlight / weight < bestInFlight / bestWeight, without dividing
            if (best is null || inFlight * best.Weight < bestInFlight * slot.Weight)
            {
                best = slot;
                bestInFlight = inFlight;
            }
        }
        return best;
    }

    /// <summary>Two distinct random backends; the less loaded (in-flight per weight) wins, ties go to the lower latency.</summary>
    public static BackendSlot? TwoChoices(ImmutableArray<BackendSlot> routable, IReadOnlyList<BackendSlot>? tried)
    {
        var n = routable.Length;
        if (n == 0) return null;
        if (n == 1) return RoutingSnapshot.Tried(routable[0], tried) ? null : routable[0];
        var i = System.Random.Shared.Next(n);
        var j = System.Random.Shared.Next(n - 1);
        if (j >= i) j++;
        var a = routable[i];
        var b = routable[j];
        if (RoutingSnapshot.Tried(a, tried)) return RoutingSnapshot.Tried(b, tried) ? null : b;
        if (RoutingSnapshot.Tried(b, tried)) return a;
        var loadA = a.Counters.InFlight * b.Weight;
        var loadB = b.Counters.InFlight * a.Weight;
        if (loadA != loadB) return loadA < loadB ? a : b;
        return a.Current.LatencyEwmaMs <= b.Current.LatencyEwmaMs ? a : b;
    }

    /// <summary>Weighted random: a binary search over the cumulative weights.</summary>
    public static BackendSlot? WeightedRandom(ImmutableArray<BackendSlot> routable, long[] cumulative, IReadOnlyList<BackendSlot>? tried)
    {
        if (cumulative.Length == 0) return null;
        var ticket = System.Random.Shared.NextInt64(cumulative[^1]);
        var index = Array.BinarySearch(cumulative, ticket + 1);
        if (index < 0) index = ~index;
        var slot = routable[index];
        return RoutingSnapshot.Tried(slot, tried) ? null : slot;
    }

    public static long[] Cumulative(ImmutableArray<BackendSlot> routable)
    {
        var sums = new long[routable.Length];
        long total = 0;
        for (var i = 0; i < sums.Length; i++) sums[i] = total += routable[i].Weight;
        return sums;
    }
}
