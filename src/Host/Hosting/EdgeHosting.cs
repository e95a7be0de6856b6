using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Edge;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowBalance.Host.Hosting;

/// <summary>The edge: listeners (HTTP/1.1, h2c, HTTPS with HTTP/2), certificates per SNI name and their files.</summary>
public static class EdgeHosting
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder, FlowBalanceOptions options)
    {
        var certificates = new CertificateStore();
        builder.Services.AddSingleton(certificates);
        builder.Services.AddSingleton<CertificateFiles>();
        builder.Services.AddSingleton<HttpsRedirect>();
        builder.Services.AddHostedService<EdgeStartup>();
        builder.WebHost.ConfigureKestrel(kestrel => KestrelListeners.Bind(kestrel, options.Listen, certificates));
        return builder;
    }

    /// <summary>Serves the certificate files before Kestrel listens, and reports them once the actor system runs.</summary>
    private sealed class EdgeStartup(CertificateFiles files, FlowBalanceOptions options, ActorSystem system, HttpsRedirect redirect, IServer server, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            files.Apply(options.Tls);
            files.PublishTo(system);
            // redirect_https sends clients to the first HTTPS listener's port, known once Kestrel bound it (port 0 in tests).
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
                if (addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } https) redirect.Port = new Uri(https).Port;
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            files.Dispose();
            return Task.CompletedTask;
        }
    }
}
