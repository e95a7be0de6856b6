using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Host.Edge;
using FlowBalance.Host.Edge.Acme;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// The edge: listeners (HTTP/1.1, h2c, HTTPS with HTTP/2), certificates per SNI name from PEM files
/// (watched) and from ACME (obtained and renewed), and the HTTP-01 challenge answers.
/// </summary>
public static class EdgeHosting
{
    public static WebApplicationBuilder AddEdge(this WebApplicationBuilder builder, FlowBalanceOptions options)
    {
        var certificates = new CertificateStore();
        builder.Services.AddSingleton(certificates);
        builder.Services.AddSingleton<CertificateFiles>();
        builder.Services.AddSingleton<HttpsRedirect>();
        builder.Services.AddHostedService<EdgeStartup>();
        builder.WebHost.ConfigureKestrel(kestrel => KestrelListeners.Bind(kestrel, options.Listen, certificates, options.Admin.Listen));
        if (options.Tls.Acme is { } acme) AddAcme(builder.Services, acme, options, certificates);
        return builder;
    }

    public static WebApplication UseEdge(this WebApplication app)
    {
        if (app.Services.GetService<Http01Challenges>() is { } challenges) app.UseAcmeChallenges(challenges);
        return app;
    }

    /// <summary>One certificate per host name, obtained over HTTP-01 and renewed before <c>renew_before</c>.</summary>
    private static void AddAcme(IServiceCollection services, AcmeOptions acme, FlowBalanceOptions options, CertificateStore certificates)
    {
        services.AddSingleton<Http01Challenges>();
        services.AddSingleton(sp =>
        {
            var storage = new AcmeStorage(acme.Storage);
            var client = new AcmeClient(acme.Directory, AcmeHttpHandler.Create(acme.CaFile), storage.LoadOrCreateAccountKey(), sp.GetRequiredService<ILogger<AcmeClient>>())
            {
                Email = acme.Email,
            };
            var system = sp.GetRequiredService<ActorSystem>();
            var protocols = TlsPolicy.Protocols(options.Tls.MinVersion);
            return new AcmeCertificateManager(client, storage, sp.GetRequiredService<Http01Challenges>(),
                acme.HostsFor(options.Services).Select(host => (IReadOnlyList<string>)[host]),
                issued => certificates.Set(new ServedCertificate(CertificateStore.AcmeSourcePrefix + issued.Hosts[0], [.. issued.Hosts],
                    PemCertificate.From(issued.Leaf, issued.Intermediates), protocols)),
                change => FlowEvents.Publish(system, change),
                sp.GetRequiredService<ILogger<AcmeCertificateManager>>(),
                RenewalSchedule.Default with { RenewBefore = acme.RenewBefore });
        });
        services.AddHostedService(sp => sp.GetRequiredService<AcmeCertificateManager>());
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
