using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;

// usage: BareYarp <listen-url> <backend-url> [<backend-url> ...]
// An https:// listen URL serves the PEM pair in BAREYARP_CERT (leaf first, then its chain) and
// BAREYARP_KEY. BAREYARP_PROTOCOLS (Http1, Http2, Http1AndHttp2) sets the listener's protocols;
// Http2 on an http:// URL is cleartext HTTP/2 with prior knowledge (h2c). Unset: Kestrel's defaults.
var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls(args[0]);
var protocols = Environment.GetEnvironmentVariable("BAREYARP_PROTOCOLS");
var certPath = Environment.GetEnvironmentVariable("BAREYARP_CERT");
if (protocols is not null || certPath is not null)
{
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        if (protocols is not null) kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = Enum.Parse<HttpProtocols>(protocols));
        if (certPath is not null)
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certPath);
            var keyPath = Environment.GetEnvironmentVariable("BAREYARP_KEY") ?? certPath;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
                https.ServerCertificateChain = [.. chain.Skip(1)];
            });
        }
    });
}
var destinations = args.Skip(1).Select((url, i) => (Id: $"d{i}", Config: new DestinationConfig { Address = url }))
    .ToDictionary(d => d.Id, d => d.Config);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backends", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "backends",
        LoadBalancingPolicy = "RoundRobin",
        Destinations = destinations,
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(10), Path = "/health", Policy = "ConsecutiveFailures" },
        },
    }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run();
