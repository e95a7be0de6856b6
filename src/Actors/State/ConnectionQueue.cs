using System.Collections.Concurrent;

namespace FlowBalance.Actors.State;

/// <summary>
/// The requests of one service waiting for a backend below its <c>max_connections</c>: at most
/// <c>max_queue</c> of them, woken one at a time as requests on the service's limited backends end.
/// Exists only for services with a limit, so the request path of others never touches it. Lock-free
/// (a ConcurrentQueue of waiters); a waiter that left is skipped by the next wake-up.
/// </summary>
public sealed class ConnectionQueue(int capacity)
{
    private readonly ConcurrentQueue<TaskCompletionSource<bool>> _waiters = new();
    private int _waiting;

    public int Capacity => capacity;

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Takes a place in the queue; null when it is full. Give it back with <see cref="Leave"/>.</summary>
    public TaskCompletionSource<bool>? TryJoin()
    {
        if (Interlocked.Increment(ref _waiting) > capacity)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        return Enqueue();
    }

    /// <summary>After a wake-up that another request beat it to: wait again, keeping its place in the count.</summary>
    public TaskCompletionSource<bool> Rejoin() => Enqueue();

    public void Leave(TaskCompletionSource<bool> waiter)
    {
        waiter.TrySetResult(false); // a later wake-up skips it
        Interlocked.Decrement(ref _waiting);
    }

    /// <summary>A request on a limited backend ended: wake the longest-waiting request still waiting.</summary>
    public void Signal()
    {
        while (_waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult(true)) return;
        }
    }

    private TaskCompletionSource<bool> Enqueue()
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue(waiter);
        return waiter;
    }
}
