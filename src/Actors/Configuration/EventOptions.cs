namespace FlowBalance.Actors.Configuration;

/// <summary><c>events { history_size }</c>: how many recent events this node keeps in memory for the admin API.</summary>
public sealed record EventOptions(int HistorySize)
{
    public static readonly EventOptions Default = new(10_000);
}
