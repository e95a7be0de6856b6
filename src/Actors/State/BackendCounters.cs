namespace FlowBalance.Actors.State;

/// <summary>
/// Monotonic counters written by the request path with <see cref="Interlocked"/> and read by the
/// backend's actor when it samples. No locks; the actor derives rates from differences.
/// </summary>
public sealed class BackendCounters
{
    private long _inFlight;
    private long _requests;
    private long _status2xx;
    private long _status3xx;
    private long _status4xx;
    private long _status5xx;
    private long _connectionErrors;
    private long _timeouts;
    private long _failures;
    private long _retries;
    private long _latencyTicks;
    private long _latencySamples;
    private readonly long[] _latencyBuckets = new long[LatencyBuckets.Count];

    public long InFlight => Volatile.Read(ref _inFlight);

    public void RequestStarted()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>A request to this backend that re-sends one that failed elsewhere (or here).</summary>
    public void RetryStarted() => Interlocked.Increment(ref _retries);

    public void RequestFinished(OutcomeKind kind, int status, long elapsedTicks, bool failure)
    {
        Interlocked.Decrement(ref _inFlight);
        if (failure) Interlocked.Increment(ref _failures);
        switch (kind)
        {
            case OutcomeKind.Response:
                Interlocked.Increment(ref StatusBucket(status));
                Interlocked.Add(ref _latencyTicks, elapsedTicks);
                Interlocked.Increment(ref _latencySamples);
                Interlocked.Increment(ref _latencyBuckets[LatencyBuckets.Index(elapsedTicks)]);
                break;
            case OutcomeKind.ConnectionError:
                Interlocked.Increment(ref _connectionErrors);
                break;
            case OutcomeKind.Timeout:
                Interlocked.Increment(ref _timeouts);
                break;
        }
    }

    public CounterSample Sample() => new(
        Volatile.Read(ref _requests), Volatile.Read(ref _status2xx), Volatile.Read(ref _status3xx),
        Volatile.Read(ref _status4xx), Volatile.Read(ref _status5xx), Volatile.Read(ref _connectionErrors),
        Volatile.Read(ref _timeouts), Volatile.Read(ref _failures), Volatile.Read(ref _retries),
        Volatile.Read(ref _latencyTicks), Volatile.Read(ref _latencySamples));

    /// <summary>The latency histogram's counts so far (answered requests), into <paramref name="counts"/>.</summary>
    public void CopyLatency(long[] counts)
    {
        for (var i = 0; i < counts.Length && i < _latencyBuckets.Length; i++) counts[i] = Volatile.Read(ref _latencyBuckets[i]);
    }

    private ref long StatusBucket(int status)
    {
        if (status >= 500) return ref _status5xx;
        if (status >= 400) return ref _status4xx;
        if (status >= 300) return ref _status3xx;
        return ref _status2xx;
    }
}
