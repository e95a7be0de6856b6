namespace FlowBalance.Actors.Configuration;

/// <summary><c>connection_error_handling { }</c>.</summary>
public sealed record ConnectionErrorOptions(
    bool ImmediateFailover,
    int MaxConnectionRetries,
    TimeSpan ConnectionTimeout)
{
    public static readonly ConnectionErrorOptions Default = new(
        ImmediateFailover: true,
        MaxConnectionRetries: 1,
        ConnectionTimeout: TimeSpan.FromMilliseconds(5000));
}
