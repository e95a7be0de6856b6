namespace FlowBalance.Actors.State;

/// <summary>The counters at one moment.</summary>
public readonly record struct CounterSample(
    long Requests, long Status2xx, long Status3xx, long Status4xx, long Status5xx,
    long ConnectionErrors, long Timeouts, long Failures, long Retries, long LatencyTicks, long LatencySamples);
