using System.Collections.Immutable;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.State;

/// <summary>
/// The backends of one service at one moment: which are routable, the precomputed smooth weighted
/// cycle over them, and whether the service is in panic mode. Immutable except for the cursor,
/// which the request path advances with Interlocked.
/// </summary>
public sealed class RoutingSnapshot
{
    /// <summary>How many cycle positions a pick inspects before scanning the routable list directly.</summary>
    private const int MaxCycleProbes = 64;

    private readonly int[] _sequence;
    private readonly long[] _cumulative;
    private long _cursor = -1;

    public RoutingSnapshot(ImmutableArray<BackendSlot> all, ImmutableArray<BackendSlot> routable, double panicThreshold = 0, PickAlgorithm algorithm = PickAlgorithm.RoundRobin)
    {
        All = all;
        Routable = routable;
        Algorithm = algorithm;
        _sequence = algorithm == PickAlgorithm.RoundRobin ? SmoothWeightedSequence.Build([.. routable.Select(s => s.Weight)]) : [];
        _cumulative = algorithm == PickAlgorithm.Random ? LoadAwarePicks.Cumulative(routable) : [];
        // Envoy's panic mode: when too few backends look healthy, health checks are more likely wrong than the backends.
        // Backends the operator took out are no evidence either way.
        var enabled = all.Count(s => s.Admin.State == AdminState.Enabled);
        Panic = enabled > 0 && routable.Length > 0 && routable.Length * 100.0 < panicThreshold * enabled;
    }

    /// <summary>Every backend of the service, routable or not.</summary>
    public ImmutableArray<BackendSlot> All { get; }

    public ImmutableArray<BackendSlot> Routable { get; }

    public bool Panic { get; }

    public PickAlgorithm Algorithm { get; }

    /// <summary>
    /// The next backend to try, skipping those in <paramref name="tried"/> and those whose gate refuses.
    /// When no routable backend admits the request, <see cref="LastResort"/> decides. Null when there
    /// is nothing left to try.
    /// </summary>
    public BackendSlot? Pick(out Admission admission, IReadOnlyList<BackendSlot>? tried = null) =>
        PickRoutable(out admission, tried) ?? LastResort(out admission, tried);

    /// <summary>The algorithm's choice among the routable backends, or null when none admits the request.</summary>
    public BackendSlot? PickRoutable(out Admission admission, IReadOnlyList<BackendSlot>? tried = null)
    {
        var now = Environment.TickCount64;
        var step = Interlocked.Increment(ref _cursor);
        if (Panic) return PickAny(All, step, tried, out admission);

        if (Algorithm == PickAlgorithm.RoundRobin)
        {
            var sequence = _sequence;
            var probes = Math.Min(sequence.Length, MaxCycleProbes);
            for (var i = 0; i < probes; i++)
            {
                var slot = Routable[sequence[(int)((ulong)(step + i) % (ulong)sequence.Length)]];
                if (Admits(slot, tried, now, out admission)) return slot;
            }
            if (sequence.Length <= MaxCycleProbes)
            {
                admission = Admission.Rejected;
                return null;
            }
        }
        else
        {
            var first = Algorithm switch
            {
                PickAlgorithm.LeastOutstandingRequests => LoadAwarePicks.LeastOutstanding(Routable, step, tried),
                PickAlgorithm.PowerOfTwoChoices => LoadAwarePicks.TwoChoices(Routable, tried),
                _ => LoadAwarePicks.WeightedRandom(Routable, _cumulative, tried),
            };
            if (first is not null && Admits(first, tried, now, out admission)) return first;
        }
        // The first choice refused (tried, tripped, held by Retry-After): the next one that admits.
        for (var i = 0; i < Routable.Length; i++)
        {
            var slot = Routable[(int)((ulong)(step + i) % (ulong)Routable.Length)];
            if (Admits(slot, tried, now, out admission)) return slot;
        }
        admission = Admission.Rejected;
        return null;
    }

    /// <summary>
    /// When no routable backend admits the request. First a routable backend the pick refused only for
    /// its slow start (a preference, not a ban). Otherwise fail open: the least recently failed backend,
    /// whatever its breaker or health, as a <see cref="Admission.Rescue"/> (one in flight per backend),
    /// so a fleet that comes back is served at once and a hung backend holds one request, not all.
    /// Null (the caller answers 503 at once) when every candidate already has its rescue in flight.
    /// </summary>
    public BackendSlot? LastResort(out Admission admission, IReadOnlyList<BackendSlot>? tried = null)
    {
        var now = Environment.TickCount64;
        var full = false;
        foreach (var slot in Routable)
        {
            if (Tried(slot, tried)) continue;
            if (slot.IsFull) full = true;
            else if (slot.Gate.IsClear(now) && slot.TryOccupy())
            {
                admission = Admission.Admitted;
                return slot;
            }
        }
        if (full)
        {
            // Not an outage: the routable backends are busy. The caller may wait for room (max_queue).
            admission = Admission.Rejected;
            return null;
        }
        // A candidate's slot can be taken between the look and the CAS: look again a few times, never wait.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (LeastRecentlyFailed(tried, now) is not { } best) break;
            admission = best.Rescue(now);
            if (admission == Admission.Rescue) return best;
        }
        admission = Admission.Rejected;
        return null;
    }

    private static bool Admits(BackendSlot slot, IReadOnlyList<BackendSlot>? tried, long now, out Admission admission)
    {
        admission = Tried(slot, tried) ? Admission.Rejected : slot.Admit(now);
        return admission != Admission.Rejected;
    }

    /// <summary>Plain round robin over every enabled backend, ignoring health (panic mode).</summary>
    private static BackendSlot? PickAny(ImmutableArray<BackendSlot> slots, long step, IReadOnlyList<BackendSlot>? tried, out Admission admission)
    {
        admission = Admission.Admitted;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[(int)((ulong)(step + i) % (ulong)slots.Length)];
            if (!Tried(slot, tried) && slot.Admin.State == AdminState.Enabled && slot.TryOccupy()) return slot;
        }
        return null;
    }

    private BackendSlot? LeastRecentlyFailed(IReadOnlyList<BackendSlot>? tried, long now)
    {
        BackendSlot? best = null;
        foreach (var slot in All)
        {
            // Failing open never reaches a backend the operator took out.
            if (Tried(slot, tried) || slot.Admin.State != AdminState.Enabled || !slot.Gate.TrialFree(now) || slot.IsFull) continue;
            if (best is null || slot.Gate.LastFailureMs < best.Gate.LastFailureMs) best = slot;
        }
        return best;
    }

    internal static bool Tried(BackendSlot slot, IReadOnlyList<BackendSlot>? tried)
    {
        if (tried is null) return false;
        for (var i = 0; i < tried.Count; i++)
        {
            if (ReferenceEquals(tried[i], slot)) return true;
        }
        return false;
    }

    public static RoutingSnapshot From(ImmutableArray<BackendSlot> all, double panicThreshold = 0, PickAlgorithm algorithm = PickAlgorithm.RoundRobin) =>
        new(all, [.. all.Where(s => s.InRotation)], panicThreshold, algorithm);
}
