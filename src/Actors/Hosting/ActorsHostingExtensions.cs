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
            // Akka starts its timer thread lazily, and every caller that arrives while it starts blocks
            // on Task.Wait(). A thousand BackendActors starting their timers at once then hold every
            // thread-pool thread, and startup stalled for ~26 s (bench --scale). Start it here, once.
            system.Scheduler.Advanced.ScheduleOnce(TimeSpan.Zero, () => { });
            var config = system.ActorOf(ConfigActor.Props(store, options, prober, SampleInterval), ActorNames.Config);
            registry.Register<ConfigActor>(config);
        });
}
