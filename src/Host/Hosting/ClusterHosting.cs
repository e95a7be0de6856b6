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
        builder.Services.AddSingleton<ClusterViewStore>();
        builder.Services.AddHostedService(sp => new ClusterNode(options, file, sp.GetRequiredService<ClusterViewStore>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ILogger<ClusterNode>>()));
        return builder;
    }
}
