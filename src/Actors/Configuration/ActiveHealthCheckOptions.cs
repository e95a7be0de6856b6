namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>activeHealthChecks { }</c>. A null <see cref="Path"/> means: discover /health, /healthz, /status.
/// A null <see cref="UnhealthyInterval"/> means min(interval, 5 s).
/// </summary>
public sealed record ActiveHealthCheckOptions(
    bool Enabled,
    string? Path,
    TimeSpan Interval,
    TimeSpan Timeout,
    int ConsecutiveUp,
    int ConsecutiveDown,
    TimeSpan? UnhealthyInterval = null)
{
    public const string Http = "http", Grpc = "grpc";

    public static readonly string[] Types = [Http, Grpc];

    /// <summary><c>type</c>: <c>http</c> (a health path, discovered or given) or <c>grpc</c> (grpc.health.v1.Health/Check).</summary>
    public string Type { get; init; } = Http;

    /// <summary><c>grpc_service</c>: the service name asked about; "" is the server as a whole.</summary>
    public string GrpcService { get; init; } = "";

    /// <summary>How often a backend out of rotation (unhealthy or breaker open) is probed: sooner back (HAProxy's downinter).</summary>
    public TimeSpan OutOfRotationInterval => UnhealthyInterval ?? (Interval < TimeSpan.FromSeconds(5) ? Interval : TimeSpan.FromSeconds(5));

    public static readonly ActiveHealthCheckOptions Default = new(
        Enabled: true,
        Path: null,
        Interval: TimeSpan.FromSeconds(60),
        Timeout: TimeSpan.FromSeconds(10),
        ConsecutiveUp: 3,
        ConsecutiveDown: 2);
}
