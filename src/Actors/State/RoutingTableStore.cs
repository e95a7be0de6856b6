namespace FlowBalance.Actors.State;

/// <summary>
/// Holds the current <see cref="RoutingTable"/>; the config actor swaps it whole, the request path
/// reads it with a volatile load. <see cref="Ready"/> completes when the first table is published.
/// </summary>
public sealed class RoutingTableStore
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoutingTable _current = RoutingTable.Empty;

    public RoutingTable Current => Volatile.Read(ref _current);

    public Task Ready => _ready.Task;

    public void Publish(RoutingTable table)
    {
        Interlocked.Exchange(ref _current, table);
        _ready.TrySetResult();
    }
}
