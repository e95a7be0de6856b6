using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Hosting;

/// <summary>Registers FlowBalance's actors with Akka.Hosting.</summary>
public static class ActorsHostingExtensions
{
    /// <summary>How often each BackendActor samples its counters into a published snapshot.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    public static AkkaConfigurationBuilder AddRoutingActors(
        this AkkaConfigurationBuilder builder, FlowBalanceOptions options, RoutingTableStore store, IHealthProber prober) =>
        builder.WithActors((system, registry) =>
        {
            var config = system.ActorOf(ConfigActor.Props(store, options, prober, SampleInterval), ActorNames.Config);
            registry.Register<ConfigActor>(config);
        });
}
