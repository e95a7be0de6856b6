using System.Diagnostics;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// Fills <see cref="MetricsHistory"/>: a baseline once the first routing table is published, then one
/// sample every step. It reads only the published routing table and the slots' counters. A failing
/// sample is logged and the next one runs: the history must never stop the host.
/// </summary>
public sealed partial class MetricsHistorySampler(MetricsHistory history, RoutingTableStore routes, ILogger<MetricsHistorySampler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Environment.GetEnvironmentVariable(MetricsHistory.StepVariable) is { Length: > 0 } asked && MetricsHistory.StepFrom(asked) is null)
        {
            Log.StepIgnored(log, MetricsHistory.StepVariable, asked, history.Step.TotalSeconds);
        }
        var start = Stopwatch.GetTimestamp();
        try
        {
            await routes.Ready.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(history.Step);
            do
            {
                try
                {
                    history.Sample(routes.Current, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(start));
                }
                catch (Exception e)
                {
                    Log.SampleFailed(log, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Variable}={Value} ignored (whole milliseconds from 100 to 10000); the metrics history samples every {Seconds} s")]
        public static partial void StepIgnored(ILogger logger, string variable, string value, double seconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "Metrics history sample failed; the next one runs as usual")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
