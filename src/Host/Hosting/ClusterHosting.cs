using FlowBalance.Actors.Cluster;
using FlowBalance.Actors.Configuration;
using AkkaConfig = Akka.Configuration.Config;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// <c>cluster.enabled</c>: the node's membership (<see cref="ClusterNode"/>, its own actor system in its own host)
/// and the view of the fleet it publishes. Off: nothing is registered, nothing of Akka.Remote or Akka.Cluster runs.
/// </summary>
public static class ClusterHosting
{
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder, FlowBalanceOptions options, AkkaConfig file)
    {
        if (!options.Cluster.Enabled) return builder;
        // Akka.Hosting logs a failed start as FATAL with the whole stack; ClusterNode and Program report it in one line.
        builder.Logging.AddFilter("Akka.Hosting.AkkaHostedService", LogLevel.None);
        builder.Services.AddSingleton<ClusterViewStore>();
        builder.Services.AddHostedService(sp => new ClusterNode(options, file, sp.GetRequiredService<ClusterViewStore>(), Summary(sp, options),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ILogger<ClusterNode>>()));
        return builder;
    }

    /// <summary>This node's line in the fleet: its running revision and its requests per second (the last history step of each service).</summary>
    private static Func<NodeSummary> Summary(IServiceProvider services, FlowBalanceOptions options)
    {
        var events = services.GetRequiredService<Observability.EventMetrics>();
        var history = services.GetRequiredService<Observability.MetricsHistory>();
        var routes = services.GetRequiredService<FlowBalance.Actors.State.RoutingTableStore>();
        var version = Observability.StatusEndpoint.Version.Split('+')[0];
        return () => new NodeSummary(options.Cluster.NodeName, options.Cluster.Region, version, events.Revision,
            Math.Round(routes.Current.Services.Sum(s => history.Service(s.Definition.Name) is { Count: > 0 } points ? points[^1].Rps : 0), 2), DateTimeOffset.UtcNow);
    }
}
