using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A real Kestrel gRPC backend on 127.0.0.1: the Echo service (Protos/echo.proto) and the standard
/// grpc.health.v1 Health service. Without a certificate it speaks h2c only (an HTTP/2-only port:
/// cleartext Http1AndHttp2 would fall back to HTTP/1.1); with one it is TLS with ALPN h2 and http/1.1.
/// </summary>
public sealed class GrpcBackend : IAsyncDisposable
{
    /// <summary>The service name the Echo service registers in the health service.</summary>
    public const string EchoServiceName = "flowbalance.test.Echo";

    private const string HealthPathPrefix = "/grpc.health.v1.Health/";

    private readonly WebApplication _app;
    private readonly HealthServiceImpl _health;
    private readonly ConcurrentDictionary<string, int> _callsByMethod = new();
    private int _calls;
    private int _healthChecks;
    private int _stopped;

    private GrpcBackend(string name, WebApplication app, HealthServiceImpl health, EchoService echo)
    {
        Name = name;
        _app = app;
        _health = health;
        Echo = echo;
        Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    }

    public string Name { get; }

    /// <summary><c>http://127.0.0.1:port</c> (h2c) or <c>https://127.0.0.1:port</c> (TLS).</summary>
    public string Url { get; }

    public int Port => new Uri(Url).Port;

    /// <summary>The service instance, for its counters (<see cref="EchoService.SleepsCancelled"/>).</summary>
    public EchoService Echo { get; }

    /// <summary>Calls other than health checks.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public int HealthChecks => Volatile.Read(ref _healthChecks);

    /// <summary>Calls that reached one method, by its name in the proto (<c>"Unary"</c>, <c>"Check"</c>…).</summary>
    public int CallsTo(string method) => _callsByMethod.GetValueOrDefault(method);

    /// <param name="certificate">A server certificate with its private key: serve TLS instead of h2c.</param>
    /// <param name="healthService">False: no Health service, so Check answers UNIMPLEMENTED like many real servers.</param>
    public static async Task<GrpcBackend> StartAsync(string name, X509Certificate2? certificate = null, bool healthService = true)
    {
        // No config file watcher: each is an inotify instance, and tests start many hosts.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http2;
                return;
            }
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }));
        var health = new HealthServiceImpl();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(EchoServiceName, HealthCheckResponse.Types.ServingStatus.Serving);
        var echo = new EchoService(name);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton(echo);
        var app = builder.Build();
        GrpcBackend? self = null;
        app.Use((context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            if (path.StartsWith(HealthPathPrefix, StringComparison.Ordinal)) Interlocked.Increment(ref self!._healthChecks);
            else Interlocked.Increment(ref self!._calls);
            self._callsByMethod.AddOrUpdate(path[(path.LastIndexOf('/') + 1)..], 1, (_, n) => n + 1);
            return next(context);
        });
        app.MapGrpcService<EchoService>();
        if (healthService) app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync();
        self = new GrpcBackend(name, app, health, echo);
        return self;
    }

    /// <summary>Sets what Health/Check answers for <paramref name="service"/> ("" = the server as a whole).</summary>
    public void SetServing(bool serving, string service = "") => _health.SetStatus(service,
        serving ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing);

    /// <summary>Dies like a crashed process: open connections and streams are aborted, nothing is drained.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    /// <summary>Also abrupt: a test that ends with a stream still open should not wait out a graceful shutdown.</summary>
    public async ValueTask DisposeAsync() => await KillAsync();
}
