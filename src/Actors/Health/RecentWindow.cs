using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Health;

/// <summary>
/// The last minute of one backend, one slot per sample (second): requests, failures and the latency
/// histogram's new counts. Gives requests/s, error rate and latency quantiles over that minute.
/// Owned by the backend's actor (one thread).
/// </summary>
public sealed class RecentWindow(int slots = 60)
{
    private readonly long[] _requests = new long[slots];
    private readonly long[] _failures = new long[slots];
    private readonly long[][] _latency = [.. Enumerable.Range(0, slots).Select(_ => new long[LatencyBuckets.Count])];
    private int _next;
    private int _filled;

    public void Add(long requests, long failures, ReadOnlySpan<long> latencyDelta)
    {
        _requests[_next] = requests;
        _failures[_next] = failures;
        latencyDelta.CopyTo(_latency[_next]);
        _next = (_next + 1) % slots;
        _filled = Math.Min(_filled + 1, slots);
    }

    public RecentStats Stats(TimeSpan sampleInterval)
    {
        if (_filled == 0) return RecentStats.None;
        long requests = 0, failures = 0;
        var latency = new long[LatencyBuckets.Count];
        for (var i = 0; i < _filled; i++)
        {
            requests += _requests[i];
            failures += _failures[i];
            for (var b = 0; b < latency.Length; b++) latency[b] += _latency[i][b];
        }
        var seconds = _filled * sampleInterval.TotalSeconds;
        return new RecentStats(
            requests / seconds,
            requests == 0 ? 0 : (double)failures / requests,
            Quantile(latency, 0.50),
            Quantile(latency, 0.99));
    }

    /// <summary>The bucket's upper bound where the quantile falls, interpolated linearly inside it; null without samples.</summary>
    public static double? Quantile(long[] counts, double q)
    {
        var total = counts.Sum();
        if (total == 0) return null;
        var rank = q * total;
        long seen = 0;
        for (var b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0 || seen + counts[b] < rank)
            {
                seen += counts[b];
                continue;
            }
            var lower = b == 0 ? 0 : LatencyBuckets.UpperMs[b - 1];
            var upper = b < LatencyBuckets.UpperMs.Length ? LatencyBuckets.UpperMs[b] : LatencyBuckets.UpperMs[^1] * 2;
            return lower + (upper - lower) * ((rank - seen) / counts[b]);
        }
        return LatencyBuckets.UpperMs[^1];
    }
}
