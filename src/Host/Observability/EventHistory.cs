using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>
/// The most recent events of this node (<c>events.history_size</c>, default 10,000), for the admin API
/// and the dashboard. One writer (the event hub actor), any number of readers, no lock: a reader that
/// races the writer may see an entry replaced by a newer one, never a torn one.
/// </summary>
public sealed class EventHistory(int capacity)
{
    private readonly FlowEvent?[] _ring = new FlowEvent?[capacity];
    private long _written;

    public int Capacity => _ring.Length;

    /// <summary>How many events were ever added (the ring keeps the last <see cref="Capacity"/>).</summary>
    public long Written => Volatile.Read(ref _written);

    internal void Add(FlowEvent change)
    {
        var next = _written;
        _ring[next % _ring.Length] = change;
        Volatile.Write(ref _written, next + 1);
    }

    /// <summary>Newest first, at most <paramref name="limit"/>, those that <paramref name="match"/>.</summary>
    public List<FlowEvent> Recent(int limit, Func<FlowEvent, bool>? match = null)
    {
        var result = new List<FlowEvent>(Math.Min(limit, 256));
        var written = Written;
        for (var i = written - 1; i >= 0 && i >= written - _ring.Length && result.Count < limit; i--)
        {
            if (_ring[i % _ring.Length] is { } change && (match is null || match(change))) result.Add(change);
        }
        return result;
    }
}
