using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Steering;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

// Composition only: parse the command line, load the config (exit 2 on any mistake), run the host.
var commandLine = CommandLine.Parse(args, out var argumentError);
if (commandLine is null)
{
    Console.Error.WriteLine($"flowbalance: {argumentError}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}
if (commandLine.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

var (configText, loaded, problems) = ConfigFile.Read(commandLine.ConfigPath);
var options = loaded.Options;
var listenOverride = commandLine.Listen.Count > 0 ? ConfigLoader.ListenFromCommandLine(commandLine.Listen) : (ImmutableArray<ListenEndpoint>?)null;
foreach (var listen in commandLine.Listen)
{
    if (ConfigLoader.ListenProblem(listen) is { } problem)
    {
        Console.Error.WriteLine($"flowbalance: --listen {problem}");
        return 2;
    }
}
if (listenOverride is { } overridden && options is not null)
{
    if (ConfigLoader.ListenOverrideProblems(overridden, options).FirstOrDefault() is { } problem)
    {
        Console.Error.WriteLine($"flowbalance: --listen {problem}");
        return 2;
    }
    options = options with { Listen = overridden };
}
if (problems.Count > 0 || options is null)
{
    Console.Error.WriteLine($"flowbalance: configuration error in {Path.GetFullPath(commandLine.ConfigPath)}:");
    foreach (var problem in problems) Console.Error.WriteLine($"  {problem}");
    return 2;
}

await using var demo = options.Services.IsEmpty && options.DemoBackends > 0
    ? await DemoBackends.StartAsync(options.DemoBackends, CancellationToken.None)
    : null;
var demoService = demo?.Service(options.DefaultSettings);
if (demoService is not null) options = options.WithServices([demoService]);

// The slim builder: no IIS integration, no QUIC/HTTP/3 transport and no Kestrel HTTPS defaults to load
// (1.5 MB resident we do not use; the HTTPS listeners bind through UseHttps(TlsHandshakeCallbackOptions), Edge/).
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
// The dashboard's scripts and styles (Blazor's, MudBlazor's) when run from a build output (dotnet run, bin/):
// without this they are served as empty 200s outside Development. A published folder has them in wwwroot.
builder.WebHost.UseStaticWebAssets();
builder.AddObservability(options);
try
{
    builder.AddAdminPlane(options);
}
catch (FlowBalance.Host.Admin.Store.AdminStoreException e)
{
    Console.Error.WriteLine($"flowbalance: {e.Message}");
    return 2;
}
builder.AddFlowBalance(options, loaded.Hocon!, new ConfigSource(commandLine.ConfigPath, listenOverride, demoService, ConfigSource.AkkaSectionOf(loaded.Hocon))
{
    Text = configText!,
    Hocon = loaded.Hocon,
});
builder.AddCluster(options, loaded.Hocon!); // after the actor system: joins in the background, the data plane never waits for it
builder.AddEdge(options); // after the actor system: its certificate events need the event hub subscribed
builder.AddAdminOverrides(options); // after the actor system: waits for the first routing table, before Kestrel listens
var started = false;
try
{
    var app = builder.Build();
    app.UseFlowBalance();
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        started = true;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var plugins = app.Services.GetRequiredService<PluginManager>();
        var pluginSet = app.Services.GetRequiredService<PluginSetStore>().Current;
        var banner = StartupBanner.Render(addresses, commandLine.ConfigPath, options, pluginSet, plugins.FailedFolders,
            app.Services.GetService<FlowBalance.Host.Admin.Auth.AdminCredentials>()?.NewToken);
        // With JSON logs, stdout stays JSON lines: the banner is one entry (its lines joined by " | ").
        if (options.Log.Format == "json") app.Logger.Log(LogLevel.Information, 0, banner.TrimEnd(), null, static (text, _) => text);
        else Console.WriteLine(banner);
    });
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is System.Net.Sockets.SocketException // an address this machine does not have
    || e is IOException && (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine($"flowbalance: cannot listen on {string.Join(", ", options.Listen.Select(l => l.Url))}: {e.Message}");
    return 1;
}
catch (ClusterNode.ClusterBindException e)
{
    Console.Error.WriteLine($"flowbalance: {e.Message}");
    return 1;
}
catch (Exception e) when (!started && AkkaSettings.Refused(e))
{
    // A value in the file's akka { } section that Akka.NET refuses while the actor system starts.
    Console.Error.WriteLine($"flowbalance: configuration error in {Path.GetFullPath(commandLine.ConfigPath)}:");
    Console.Error.WriteLine($"  akka: Akka.NET refused a setting: {AkkaSettings.Message(e)}");
    return 2;
}
