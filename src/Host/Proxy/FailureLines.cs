using System.Runtime.CompilerServices;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The failed-request warning, at most once a second per backend (and the turned-away warning once a second per service): in an outage thousands of
/// failures a second would otherwise fill the console logger's queue, and a full queue blocks the
/// request threads that log. The next line says how many were left out. Lock-free; the failure
/// path only (the per-backend state is created on a backend's first failure).
/// </summary>
public sealed class FailureLines
{
    private const long IntervalMs = 1000;

    private readonly ConditionalWeakTable<object, Throttle> _throttles = new();

    /// <summary>True when this failure gets its line; <paramref name="leftOut"/> is how many since the last one did not.</summary>
    public bool ShouldLog(BackendSlot backend, out long leftOut) => ShouldLogFor(backend, out leftOut);

    /// <summary>The same for requests a service turned away (max_connections and its queue).</summary>
    public bool ShouldLog(ServiceSlot service, out long leftOut) => ShouldLogFor(service, out leftOut);

    private bool ShouldLogFor(object key, out long leftOut)
    {
        var throttle = _throttles.GetValue(key, static _ => new Throttle());
        var now = Environment.TickCount64;
        var next = Volatile.Read(ref throttle.NextMs);
        if (now >= next && Interlocked.CompareExchange(ref throttle.NextMs, now + IntervalMs, next) == next)
        {
            leftOut = Interlocked.Exchange(ref throttle.LeftOut, 0);
            return true;
        }
        Interlocked.Increment(ref throttle.LeftOut);
        leftOut = 0;
        return false;
    }

    private sealed class Throttle
    {
        public long NextMs;
        public long LeftOut;
    }
}
