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
    double PanicThreshold,
    int MaxConnections = 0,
    int MaxQueue = 1000,
    TimeSpan? QueueTimeout = null)
{
    /// <summary><c>redirect_https</c>: plain-HTTP requests are answered 308 to the same URL on https://.</summary>
    public bool RedirectHttps { get; init; }

    /// <summary><c>hsts { }</c>: the Strict-Transport-Security header on HTTPS responses; null = none.</summary>
    public HstsOptions? Hsts { get; init; }

    /// <summary><c>protocol</c>, <c>tls_verify</c>, <c>ca_file</c>, <c>sni</c>, <c>client_cert</c>, <c>client_key</c>.</summary>
    public UpstreamOptions Upstream { get; init; } = UpstreamOptions.Default;

    /// <summary><c>ip_allow</c>, <c>ip_deny</c>, <c>rate_limit</c>; null when none is set (the request path then checks nothing).</summary>
    public ClientAccessOptions? ClientAccess { get; init; }

    /// <summary><c>min_routable</c>: the admin capacity guard refuses an action leaving the service (or a pool) with fewer routable backends.</summary>
    public int MinRoutable { get; init; } = 1;

    /// <summary><c>drain_timeout</c>: how long a draining backend of a service with cookie affinity waits for its sessions to move.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>max_request_body_size</c> in bytes; 0 = no limit (the default: bodies stream through and the
    /// backend sets its own). A larger Content-Length is answered 413 before any backend is contacted;
    /// a body without one is cut at the limit.
    /// </summary>
    public long MaxRequestBodySize { get; init; }

    /// <summary>The largest <c>max_request_body_size</c> accepted (1 TiB).</summary>
    public const long MaxRequestBodySizeLimit = 1L << 40;

    /// <summary>
    /// <c>forwarded_headers</c>: what a client that is not in <c>trusted_proxies</c> sent in
    /// <c>X-Forwarded-For</c> becomes. <see cref="ForwardedReplace"/> (the default): the connection's
    /// address alone; <see cref="ForwardedAppend"/>: the client's value, then the connection's address.
    /// <c>Forwarded</c> and <c>X-Real-IP</c> from such a client are removed either way.
    /// </summary>
    public string ForwardedHeaders { get; init; } = ForwardedReplace;

    public const string ForwardedReplace = "replace", ForwardedAppend = "append";

    public static readonly string[] ForwardedHeadersModes = [ForwardedReplace, ForwardedAppend];

    /// <summary>The largest <c>max_connections</c> accepted (per backend).</summary>
    public const int MaxConnectionsLimit = 1_000_000;

    /// <summary>How long a request waits for a backend below its <c>max_connections</c> (default 5 s).</summary>
    public TimeSpan QueueWait => QueueTimeout ?? TimeSpan.FromSeconds(5);

    /// <summary>The concurrent-request limit of <paramref name="backend"/>: its own, else the service's; 0 = none.</summary>
    public int ConnectionLimit(BackendDefinition backend) => backend.MaxConnections ?? MaxConnections;

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
