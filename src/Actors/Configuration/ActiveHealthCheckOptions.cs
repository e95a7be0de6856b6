namespace FlowBalance.Actors.Configuration;

/// <summary><c>activeHealthChecks { }</c>. A null <see cref="Path"/> means: discover /health, /healthz, /status.</summary>
public sealed record ActiveHealthCheckOptions(
    bool Enabled,
    string? Path,
    TimeSpan Interval,
    TimeSpan Timeout,
    int ConsecutiveUp,
    int ConsecutiveDown)
{
    public static readonly ActiveHealthCheckOptions Default = new(
        Enabled: true,
        Path: null,
        Interval: TimeSpan.FromSeconds(60),
        Timeout: TimeSpan.FromSeconds(10),
        ConsecutiveUp: 3,
        ConsecutiveDown: 2);
}
