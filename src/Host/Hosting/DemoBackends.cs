using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// <c>demo_backends = N</c>: N tiny echo servers on loopback, each answering with its own name, so
/// the shipped hocon.conf balances real traffic out of the box. Never started when a real service exists.
/// </summary>
public sealed class DemoBackends : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    public ImmutableArray<BackendDefinition> Backends { get; private set; } = [];

    public static async Task<DemoBackends> StartAsync(int count, CancellationToken cancellationToken)
    {
        var demo = new DemoBackends();
        var backends = ImmutableArray.CreateBuilder<BackendDefinition>();
        for (var i = 1; i <= count; i++)
        {
            var name = $"demo-backend-{i}";
            var app = Build(name);
            await app.StartAsync(cancellationToken);
            demo._apps.Add(app);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            backends.Add(new BackendDefinition(name, new Uri(address), Weight: 1));
        }
        demo.Backends = backends.ToImmutable();
        return demo;
    }

    /// <summary>The catch-all service over the demo backends, with the top-level settings.</summary>
    public ServiceDefinition Service(ServiceSettings settings) => new("demo", Hostname: null, Backends, Pools: [], settings);

    private static WebApplication Build(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("ok\n"));
        app.Map("/{**path}", (HttpRequest request) => Results.Text($"Hello from {name} ({request.Method} {request.Path})\n"));
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }
}
