using System.Collections.Concurrent;
using System.Net;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// Guessing tokens and keys is slowed per client address: after <see cref="FreeFailures"/> failed logins or
/// bad bearer tokens within <see cref="Window"/>, that address is locked out for <see cref="FirstLockout"/>,
/// doubling with each further lockout up to <see cref="MaxLockout"/>; a success clears it. The map is
/// bounded: past <see cref="MaxAddresses"/> the stalest entries go.
/// </summary>
public sealed partial class LoginThrottle(ILogger<LoginThrottle> log, TimeProvider clock)
{
    public const int FreeFailures = 5;
    public const int MaxAddresses = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private sealed record Entry(int Failures, DateTimeOffset FirstFailure, DateTimeOffset? LockedUntil, int Lockouts);

    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();

    /// <summary>How long this address must still wait, or null when it may try.</summary>
    public TimeSpan? LockedFor(IPAddress? address)
    {
        if (address is null || !_entries.TryGetValue(address, out var entry) || entry.LockedUntil is not { } until) return null;
        var left = until - clock.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    /// <summary>Records a failure; returns the lockout it starts (logged once, here), or null.</summary>
    public TimeSpan? Failed(IPAddress? address)
    {
        if (address is null) return null;
        var now = clock.GetUtcNow();
        if (_entries.Count >= MaxAddresses) Evict(now);
        var entry = _entries.AddOrUpdate(address,
            _ => new Entry(1, now, null, 0),
            (_, e) => now - e.FirstFailure > Window && e.LockedUntil is null ? new Entry(1, now, null, e.Lockouts) : e with { Failures = e.Failures + 1 });
        if (entry.Failures < FreeFailures || entry.LockedUntil > now) return null;
        var lockout = TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(entry.Lockouts, 10)));
        _entries[address] = new Entry(0, now, now + lockout, entry.Lockouts + 1);
        LogLocked(log, address, entry.Failures, lockout.TotalSeconds);
        return lockout;
    }

    public void Succeeded(IPAddress? address)
    {
        if (address is not null) _entries.TryRemove(address, out _);
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var (address, entry) in _entries)
        {
            if ((entry.LockedUntil ?? entry.FirstFailure + Window) < now) _entries.TryRemove(address, out _);
        }
        // Still full (an attack from many addresses): drop the oldest half rather than grow.
        if (_entries.Count >= MaxAddresses)
        {
            foreach (var (address, _) in _entries.OrderBy(e => e.Value.FirstFailure).Take(_entries.Count / 2)) _entries.TryRemove(address, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "admin plane: {Address} locked out for {Seconds} s after {Failures} failed logins or bad tokens")]
    private static partial void LogLocked(ILogger logger, IPAddress address, int failures, double seconds);
}
