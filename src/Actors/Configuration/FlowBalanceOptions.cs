using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// The validated <c>flowbalance { }</c> section: everything the balancer runs from.
/// <see cref="DefaultSettings"/> are the top-level settings, for services created at run time (demo backends).
/// </summary>
public sealed record FlowBalanceOptions(
    ImmutableArray<ListenEndpoint> Listen,
    int DemoBackends,
    string PluginsDirectory,
    ImmutableArray<ServiceDefinition> Services,
    ServiceSettings DefaultSettings,
    ImmutableArray<PluginOptions> Plugins,
    GeoOptions Geo,
    ImmutableArray<string> Warnings)
{
    public static readonly ImmutableArray<ListenEndpoint> DefaultListen = [new("http://0.0.0.0:8080")];

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>shutdown_timeout</c>: how long SIGTERM/SIGINT waits for requests in flight before cutting them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    /// <summary><c>log { level, format }</c>.</summary>
    public LogOptions Log { get; init; } = LogOptions.Default;

    /// <summary><c>metrics { allow, otlp_endpoint }</c>.</summary>
    public MetricsOptions Metrics { get; init; } = MetricsOptions.Default;

    /// <summary><c>access_log { path, format, max_size_mb, keep_files }</c>.</summary>
    public AccessLogOptions AccessLog { get; init; } = AccessLogOptions.Default;

    /// <summary><c>notifications.webhooks</c>.</summary>
    public ImmutableArray<WebhookOptions> Webhooks { get; init; } = [];

    /// <summary><c>request_log { size, include_query }</c>.</summary>
    public RequestLogOptions RequestLog { get; init; } = RequestLogOptions.Default;

    /// <summary><c>events { history_size }</c>.</summary>
    public EventOptions Events { get; init; } = EventOptions.Default;

    /// <summary><c>tls { certificates, default, min_version, acme }</c>.</summary>
    public TlsOptions Tls { get; init; } = TlsOptions.None;

    /// <summary><c>state_dir</c>: where the balancer keeps what it creates (ACME account and certificates); default ./state next to the config file.</summary>
    public string StateDirectory { get; init; } = System.IO.Path.GetFullPath("state");

    /// <summary><c>admin { enabled, path, state_dir, session_timeout }</c>.</summary>
    public AdminOptions Admin { get; init; } = AdminOptions.Default(System.IO.Path.GetFullPath("state"));

    /// <summary><c>cluster</c>: several nodes as one fleet (off by default: nothing of Akka.Remote or Akka.Cluster runs).</summary>
    public ClusterOptions Cluster { get; init; } = ClusterOptions.Disabled;

    /// <summary>The section for plugin <paramref name="name"/> (matched ignoring case), or the defaults.</summary>
    public PluginOptions PluginFor(string name) =>
        Plugins.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) ?? PluginOptions.Default(name);

    public FlowBalanceOptions WithServices(ImmutableArray<ServiceDefinition> services) => this with { Services = services };
}
