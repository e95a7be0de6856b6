namespace FlowBalance.Host.Plugins;

/// <summary>
/// Logs a plugin's failures at a bounded rate: the first one with its stack trace, then at most one
/// summary per interval ("failed 812 more times"). Lock-free: called on the request path.
/// </summary>
public sealed partial class FailureLog(string plugin, ILogger log, TimeSpan interval)
{
    private long _nextLogAt;
    private int _suppressed;
    private long _total;
    private string? _latest;

    public long Total => Interlocked.Read(ref _total);

    public void Record(string hook, Exception error)
    {
        var total = Interlocked.Increment(ref _total);
        var now = Environment.TickCount64;
        var next = Volatile.Read(ref _nextLogAt);
        if (now < next || Interlocked.CompareExchange(ref _nextLogAt, now + (long)interval.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            _latest = $"{hook}: {error.GetType().Name}: {error.Message}";
            return;
        }
        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        if (total == 1) LogFirst(log, error, plugin, hook);
        else LogAgain(log, plugin, suppressed + 1, hook, $"{error.GetType().Name}: {error.Message}", (int)interval.TotalSeconds);
    }

    /// <summary>Reports failures held back since the last line, once the interval has passed (called by a timer).</summary>
    public void Flush()
    {
        var now = Environment.TickCount64;
        var next = Volatile.Read(ref _nextLogAt);
        if (Volatile.Read(ref _suppressed) == 0 || now < next) return;
        if (Interlocked.CompareExchange(ref _nextLogAt, now + (long)interval.TotalMilliseconds, next) != next) return;
        var suppressed = Interlocked.Exchange(ref _suppressed, 0);
        if (suppressed > 0) LogHeldBack(log, plugin, suppressed, _latest ?? "", (int)interval.TotalSeconds);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Plugin}' threw in {Hook} (further failures are summarised)")]
    private static partial void LogFirst(ILogger logger, Exception error, string plugin, string hook);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Plugin}' failed {Count} times in the last {Seconds} s; latest in {Hook}: {Error}")]
    private static partial void LogAgain(ILogger logger, string plugin, int count, string hook, string error, int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Plugin}' failed {Count} more times in the last {Seconds} s; latest in {Latest}")]
    private static partial void LogHeldBack(ILogger logger, string plugin, int count, string latest, int seconds);
}
