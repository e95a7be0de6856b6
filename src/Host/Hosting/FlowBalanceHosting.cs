using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.Hosting;
using FlowBalance.Actors.State;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Proxy;
using FlowBalance.Host.Steering;
using AkkaConfig = Akka.Configuration.Config;

namespace FlowBalance.Host.Hosting;

/// <summary>Wires the balancer into the ASP.NET Core host: Kestrel, the actor system, YARP and the proxy middleware.</summary>
public static class FlowBalanceHosting
{
    public static WebApplicationBuilder AddFlowBalance(this WebApplicationBuilder builder, FlowBalanceOptions options, AkkaConfig hocon, ConfigSource source)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // bodies stream through; the backend sets its own limit
            // Header values are bytes to a proxy: decoded and re-encoded as Latin-1 they pass through unchanged.
            kestrel.RequestHeaderEncodingSelector = HeaderEncoding.ForKestrelRequest;
            kestrel.ResponseHeaderEncodingSelector = HeaderEncoding.ForKestrel;
        });

        // Per-request framework logs cost time on the hot path and drown the startup lines.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // "Hosting failed to start" with a stack trace: the exception is rethrown to Program, which
        // reports a port in use as one line (and lets anything else, a bug, crash with its trace).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // With this category on at any level, ASP.NET Core starts an Activity and a logging scope for
        // every request (an Activity, a scope and the ExecutionContext copies they need) for request-start/finish
        // lines that are off anyway. Unhandled request exceptions are logged by Kestrel's own category.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // YARP logs every failed attempt with a stack trace; the proxy logs retries (debug) and final failures itself.
        builder.Logging.AddFilter("Yarp", LogLevel.Error);

        // SIGTERM/SIGINT: Kestrel stops accepting, requests in flight get this long to finish, then
        // their connections are cut. (Akka's own exit hook stops the actors at once, in parallel:
        // draining requests need only the routing table already published.)
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        var store = new RoutingTableStore();
        var prober = new HttpHealthProber();
        builder.Services.AddSingleton(prober);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<ForwarderClients>();
        builder.Services.AddSingleton<FailureLines>();
        builder.Services.AddSingleton(new RouteKeys(options.Geo));
        builder.Services.AddSingleton(source);
        builder.Services.AddSingleton<PluginSetStore>();
        builder.Services.AddSingleton<PluginManager>();
        builder.Services.AddSingleton<RateLimiters>();
        builder.Services.AddSingleton<ProxyMiddleware>();
        builder.Services.AddHttpForwarder();
        builder.Services.AddAkka("flowbalance", (akka, services) =>
        {
            // The file's akka { } section wins over FlowBalance's Akka defaults, and both over Akka.Hosting's.
            akka.AddHocon(AkkaDefaults.Under(hocon), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    // Akka.NET's own log goes through the host's logger (one line, the host's format), at
                    // warning and above unless the file's akka.loglevel says otherwise: Akka.Hosting would
                    // otherwise impose its own level over the file's.
                    loggers.LogLevel = AkkaDefaults.LogLevel(hocon);
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddEventHub(services)
                .AddRoutingActors(options, store, prober);
        });
        builder.Services.AddHostedService<RoutingReadyService>();
        // After routing is ready (plugins see the services), before Kestrel listens.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PluginManager>());
        builder.Services.AddSingleton<ConfigReloader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        builder.Services.AddHostedService<NativeHeapTrim>();
        return builder;
    }

    public static WebApplication UseFlowBalance(this WebApplication app)
    {
        app.UseAdminPlane(); // /__lb_admin__ first: never forwarded
        app.UseEdge(); // ACME challenge answers (with tls.acme only)
        // Terminal: every request that reaches here is forwarded (or answered 404/503).
        app.Run(app.Services.GetRequiredService<ProxyMiddleware>().InvokeAsync);
        return app;
    }
}
