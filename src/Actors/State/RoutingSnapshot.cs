using System.Collections.Immutable;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.State;

/// <summary>
/// The routable backends of one service at one moment, with the precomputed weighted cycle.
/// Immutable except for the cursor, which the request path advances with Interlocked.
/// </summary>
public sealed class RoutingSnapshot
{
    private readonly int[] _sequence;
    private long _cursor = -1;

    public RoutingSnapshot(ImmutableArray<BackendSlot> all, ImmutableArray<BackendSlot> routable)
    {
        All = all;
        Routable = routable;
        _sequence = SmoothWeightedSequence.Build([.. routable.Select(s => s.Definition.Weight)]);
    }

    /// <summary>Every backend of the service, routable or not (for status and outcome reporting).</summary>
    public ImmutableArray<BackendSlot> All { get; }

    public ImmutableArray<BackendSlot> Routable { get; }

    /// <summary>The next backend in the smooth weighted cycle, or null when none is routable. Lock-free, allocation-free.</summary>
    public BackendSlot? Pick()
    {
        var sequence = _sequence;
        if (sequence.Length == 0) return null;
        var step = (ulong)Interlocked.Increment(ref _cursor);
        return Routable[sequence[(int)(step % (ulong)sequence.Length)]];
    }

    public static RoutingSnapshot From(ImmutableArray<BackendSlot> all) =>
        new(all, [.. all.Where(s => s.Current.Routable)]);
}
