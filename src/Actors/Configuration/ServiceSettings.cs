namespace FlowBalance.Actors.Configuration;

/// <summary>The per-service settings; each may be given at the top of <c>flowbalance</c> as a default.</summary>
public sealed record ServiceSettings(
    bool PreserveHost,
    int Retries,
    TimeSpan RequestTimeout,
    ActiveHealthCheckOptions ActiveHealthChecks,
    CircuitBreakerOptions CircuitBreaker,
    ConnectionErrorOptions ConnectionErrors,
    LoadBalancerOptions LoadBalancer,
    TimeSpan SlowStart,
    int RetryBufferBytes,
    double PanicThreshold)
{
    public static readonly ServiceSettings Default = new(
        PreserveHost: false,
        Retries: 1,
        RequestTimeout: TimeSpan.FromSeconds(100),
        ActiveHealthCheckOptions.Default,
        CircuitBreakerOptions.Default,
        ConnectionErrorOptions.Default,
        LoadBalancerOptions.Default,
        SlowStart: TimeSpan.FromSeconds(10),
        RetryBufferBytes: 64 * 1024,
        PanicThreshold: 0);
}
