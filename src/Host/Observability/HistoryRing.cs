namespace FlowBalance.Host.Observability;

/// <summary>
/// The last <c>capacity</c> points of one series, allocated whole when the series starts. One writer
/// (the sampler), any number of readers (the dashboard, the admin API); the lock is taken once per
/// step by the writer and once per read, never on the request path.
/// </summary>
internal sealed class HistoryRing(int capacity)
{
    /// <summary>24 bytes a point: values as float (7 significant digits are plenty for a chart), NaN for "no latency".</summary>
    private readonly Entry[] _entries = new Entry[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public int Capacity => _entries.Length;

    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    public void Add(HistoryPoint point)
    {
        var entry = new Entry(point.Time.UtcTicks, (float)point.Rps, (float)point.ErrorsPerSecond,
            point.P50Ms is { } p50 ? (float)p50 : float.NaN, point.P99Ms is { } p99 ? (float)p99 : float.NaN);
        lock (_lock)
        {
            _entries[_next] = entry;
            _next = (_next + 1) % _entries.Length;
            if (_count < _entries.Length) _count++;
        }
    }

    /// <summary>A copy, oldest first.</summary>
    public HistoryPoint[] ToArray()
    {
        lock (_lock)
        {
            var points = new HistoryPoint[_count];
            var first = _next - _count + _entries.Length;
            for (var i = 0; i < points.Length; i++) points[i] = _entries[(first + i) % _entries.Length].ToPoint();
            return points;
        }
    }

    private readonly record struct Entry(long UtcTicks, float Rps, float ErrorsPerSecond, float P50Ms, float P99Ms)
    {
        public HistoryPoint ToPoint() => new(new DateTimeOffset(UtcTicks, TimeSpan.Zero), Rps, ErrorsPerSecond,
            float.IsNaN(P50Ms) ? null : P50Ms, float.IsNaN(P99Ms) ? null : P99Ms);
    }
}
