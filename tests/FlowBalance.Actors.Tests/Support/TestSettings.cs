using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Support;

public static class TestSettings
{
    /// <summary>Defaults without active probes, for tests about counters and routing only.</summary>
    public static readonly ServiceSettings NoProbes = ServiceSettings.Default with
    {
        ActiveHealthChecks = ActiveHealthCheckOptions.Default with { Enabled = false },
    };

    public static ServiceSettings Probing(TimeSpan interval, int up = 2, int down = 2) => ServiceSettings.Default with
    {
        ActiveHealthChecks = ActiveHealthCheckOptions.Default with { Interval = interval, ConsecutiveUp = up, ConsecutiveDown = down },
        SlowStart = TimeSpan.Zero,
    };
}
