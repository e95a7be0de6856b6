namespace FlowBalance.Actors.State;

/// <summary>Upper bounds (ms) of the per-backend latency histogram the request path fills lock-free; the last bucket is everything above.</summary>
public static class LatencyBuckets
{
    public static readonly double[] UpperMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

    private static readonly long[] UpperTicks = [.. UpperMs.Select(ms => (long)(ms * TimeSpan.TicksPerMillisecond))];

    public static int Count => UpperMs.Length + 1;

    public static int Index(long elapsedTicks)
    {
        var i = 0;
        while (i < UpperTicks.Length && elapsedTicks > UpperTicks[i]) i++;
        return i;
    }
}
