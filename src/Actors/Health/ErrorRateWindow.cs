namespace FlowBalance.Actors.Health;

/// <summary>
/// Requests and failures over the last N samples (a ring of buckets), for the breaker's
/// error-rate rule: open when at least <c>minRequests</c> were seen and the failure share reaches the threshold.
/// </summary>
public sealed class ErrorRateWindow(int buckets)
{
    private readonly long[] _requests = new long[Math.Max(1, buckets)];
    private readonly long[] _failures = new long[Math.Max(1, buckets)];
    private int _next;

    public void Add(long requests, long failures)
    {
        _requests[_next] = requests;
        _failures[_next] = failures;
        _next = (_next + 1) % _requests.Length;
    }

    public void Clear()
    {
        Array.Clear(_requests);
        Array.Clear(_failures);
    }

    /// <summary>The failure percentage when the window holds enough requests to judge, otherwise null.</summary>
    public double? ErrorRate(int minRequests)
    {
        var requests = _requests.Sum();
        return requests >= minRequests && requests > 0 ? 100.0 * _failures.Sum() / requests : null;
    }
}
