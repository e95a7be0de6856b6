namespace FlowBalance.Actors.Configuration;

/// <summary><c>request_log { enabled, size, include_query }</c>: whether and how many recent requests this node keeps in memory, and whether their query strings are kept.</summary>
public sealed record RequestLogOptions(int Size, bool IncludeQuery, bool Enabled = true)
{
    public static readonly RequestLogOptions Default = new(10_000, false);
}
