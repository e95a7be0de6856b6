using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Host.Observability;
using FlowBalance.Host.Observability.Webhooks;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;

namespace FlowBalance.Host.Hosting;

/// <summary>The observation layer: one-line console logs, the event hub and its history, metrics and their endpoint, the metrics history.</summary>
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
        builder.Services.AddSingleton<EventMetrics>();
        builder.Services.AddSingleton<LiveFeed<FlowEvent>>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddSingleton(new ProxyMetrics());
        builder.Services.AddSingleton(new RequestLog(options.RequestLog.Size, options.RequestLog.IncludeQuery, options.RequestLog.Enabled));
        if (options.AccessLog.Path is not null)
        {
            builder.Services.AddSingleton<AccessLogWriter>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        }
        builder.Services.AddSingleton<StateMetrics>();
        builder.Services.AddSingleton<EdgeMetrics>();
        // The dashboard's charts: on whether or not metrics are exported (it reads the slots' counters, not the instruments).
        builder.Services.AddSingleton(new MetricsHistory(
            MetricsHistory.StepFrom(Environment.GetEnvironmentVariable(MetricsHistory.StepVariable)) ?? MetricsHistory.DefaultStep));
        builder.Services.AddHostedService<MetricsHistorySampler>();

        if (!options.Metrics.Enabled) return builder; // instruments without a listener record nothing
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(ProxyMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddView(instrument => instrument.Meter.Name == ProxyMetrics.MeterName && instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal)
                    ? new ExplicitBucketHistogramConfiguration { Boundaries = ProxyMetrics.Buckets }
                    : null)
                .AddPrometheusExporter();
            // Runtime gauges named "*.count" come out as "*_count", which Prometheus reserves for histograms (promtool flags them).
            foreach (var (name, rename) in RuntimeRenames) metrics.AddView(name, new MetricStreamConfiguration { Name = rename });
            if (options.Metrics.OtlpEndpoint is { } endpoint)
            {
                // The export interval is OpenTelemetry's own setting (OTEL_METRIC_EXPORT_INTERVAL, default 60 s).
                metrics.AddOtlpExporter(otlp =>
                {
                    var http = options.Metrics.OtlpProtocol == "http";
                    otlp.Protocol = http ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                    otlp.Endpoint = http && endpoint.AbsolutePath is "" or "/" ? new Uri(endpoint, "/v1/metrics") : endpoint;
                });
            }
        });
        return builder;
    }

    /// <summary>The event hub, started before every other actor so it sees their first events.</summary>
    public static AkkaConfigurationBuilder AddEventHub(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors((system, _) =>
        {
            // In a cluster every event names its node as the fleet knows it.
            if (services.GetRequiredService<FlowBalanceOptions>().Cluster is { Enabled: true } cluster) FlowEvents.For(system).Node = cluster.NodeName;
            var hub = system.ActorOf(EventHubActor.Props(
                services.GetRequiredService<EventHistory>(), services.GetRequiredService<EventLogLines>(), services.GetRequiredService<EventMetrics>(),
                services.GetRequiredService<LiveFeed<FlowEvent>>(), services.GetRequiredService<WebhookDispatcher>()), "events");
            // Subscribed here, synchronously: the config actor created next publishes at once.
            system.EventStream.Subscribe(hub, typeof(FlowEvent));
        });

    /// <summary>
    /// The observation endpoints inside the admin plane's branch (which authenticates first):
    /// <c>/metrics</c>, <c>/api/v1/{status,requests,events,webhooks/deliveries}</c>.
    /// </summary>
    public static void MapObservation(this IApplicationBuilder admin, IServiceProvider services)
    {
        var options = services.GetRequiredService<FlowBalanceOptions>();
        var history = services.GetRequiredService<EventHistory>();
        var events = services.GetRequiredService<LiveFeed<FlowEvent>>();
        var requests = services.GetRequiredService<RequestLog>();
        requests.AccessLog = services.GetService<AccessLogWriter>();
        var webhooks = services.GetRequiredService<WebhookDispatcher>();
        var status = new StatusEndpoint(services.GetRequiredService<FlowBalance.Actors.State.RoutingTableStore>(),
            services.GetRequiredService<EventMetrics>(), options.Cluster.Enabled ? options.Cluster.NodeName : FlowEvents.For(services.GetRequiredService<Akka.Actor.ActorSystem>()).Node,
            services.GetService<FlowBalance.Actors.Cluster.ClusterViewStore>(), options.Cluster.Enabled ? options.Cluster.Region : null);
        services.GetRequiredService<StateMetrics>(); // its observable instruments exist from now on
        services.GetRequiredService<EdgeMetrics>();
        if (options.Metrics.Enabled) admin.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == "/metrics");
        if (!options.Admin.Enabled) return;
        MapGet(admin, "/api/v1/status", status.Handle);
        MapGet(admin, "/api/v1/requests", context => RequestsEndpoint.Handle(context, requests));
        MapGet(admin, "/api/v1/webhooks/deliveries", context => DeliveriesEndpoint.Handle(context, webhooks));
        MapGet(admin, "/api/v1/events", context => EventsEndpoint.Handle(context, history, events));
    }

    /// <summary>A read-only admin endpoint: GET answers, any other method is 405 problem+json.</summary>
    public static void MapGet(IApplicationBuilder admin, string path, RequestDelegate handle) =>
        admin.Map(path, endpoint => endpoint.Run(context => HttpMethods.IsGet(context.Request.Method)
            ? handle(context)
            : AdminResponses.Problem(context, "only GET", StatusCodes.Status405MethodNotAllowed)));

    /// <summary>The .NET runtime and process gauges whose OpenTelemetry names end in ".count".</summary>
    public static readonly (string Name, string Rename)[] RuntimeRenames =
    [
        ("dotnet.assembly.count", "dotnet.assemblies.loaded"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
        ("dotnet.timer.count", "dotnet.timers"),
        ("process.thread.count", "process.threads"),
        ("process.unix.file_descriptor.count", "process.unix.file_descriptors"),
    ];

    public static LogLevel Level(string name) => name switch
    {
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
