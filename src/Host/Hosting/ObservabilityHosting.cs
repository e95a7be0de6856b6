using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Host.Observability;
using Microsoft.Extensions.Logging.Console;

namespace FlowBalance.Host.Hosting;

/// <summary>The observation layer: one-line console logs, the event hub and its history.</summary>
public static class ObservabilityHosting
{
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder, FlowBalanceOptions options)
    {
        var level = Level(options.Log.Level);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(level);
        builder.Logging.AddConsole(console => console.FormatterName = options.Log.Format == "json" ? JsonLineFormatter.Name : TextLineFormatter.Name);
        builder.Services.AddSingleton<ConsoleFormatter>(new TextLineFormatter(level));
        builder.Services.AddSingleton<ConsoleFormatter>(new JsonLineFormatter());
        builder.Services.AddSingleton(new EventHistory(options.Events.HistorySize));
        builder.Services.AddSingleton<EventLogLines>();
        return builder;
    }

    /// <summary>The event hub, started before every other actor so it sees their first events.</summary>
    public static AkkaConfigurationBuilder AddEventHub(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors((system, _) =>
        {
            var hub = system.ActorOf(EventHubActor.Props(services.GetRequiredService<EventHistory>(), services.GetRequiredService<EventLogLines>()), "events");
            // Subscribed here, synchronously: the config actor created next publishes at once.
            system.EventStream.Subscribe(hub, typeof(FlowEvent));
        });

    public static LogLevel Level(string name) => name switch
    {
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
