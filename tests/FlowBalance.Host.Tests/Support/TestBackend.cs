using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A real Kestrel backend on 127.0.0.1. It answers with its name, echoes request headers as JSON,
/// hashes uploads as they stream in, and echoes WebSocket messages. Tests can make it fail
/// (<see cref="FailWith"/>), choose which health endpoints exist, and count what it received.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private static readonly string[] HealthPaths = ["/health", "/healthz", "/status"];

    private readonly WebApplication _app;
    private int _requests;
    private int _uploads;
    private int _completedUploads;
    private int _probes;
    private int _failedProbes;
    private int _concurrent;
    private int _maxConcurrent;

    private TestBackend(string name, WebApplication app, string url)
    {
        Name = name;
        _app = app;
        Url = url;
    }

    public string Name { get; }

    public string Url { get; }

    public int Port => new Uri(Url).Port;

    /// <summary>When not 0, every non-health request is answered with this status.</summary>
    public int FailWith { get; set; }

    /// <summary>Milliseconds every request waits before being answered (a slow backend).</summary>
    public int DelayMs { get; set; }

    /// <summary>When not 0, failing answers carry this Retry-After (seconds).</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>The status the existing health endpoints answer.</summary>
    public int HealthStatus { get; set; } = 200;

    /// <summary>Requests other than health probes.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>Uploads whose body was read to its end.</summary>
    public int CompletedUploads => Volatile.Read(ref _completedUploads);

    public int Probes => Volatile.Read(ref _probes);

    public int FailedProbes => Volatile.Read(ref _failedProbes);

    /// <summary>The most non-probe requests it was handling at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

    /// <param name="health">The health endpoints this backend has; the others answer 404.</param>
    /// <param name="certificate">Serve HTTPS (HTTP/1.1 and HTTP/2) with this certificate instead of plain HTTP.</param>
    /// <param name="clientCa">With HTTPS: require a client certificate issued by this CA (mTLS); its subject is echoed in X-Client-Certificate.</param>
    public static async Task<TestBackend> StartAsync(string name, string[]? health = null, int port = 0,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCa = null)
    {
        health ??= HealthPaths;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is null) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        else builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            if (certificate is not null) k.Listen(System.Net.IPAddress.Loopback, port, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                if (clientCa is null) return;
                https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) =>
                {
                    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(clientCa);
                    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    return chain.Build(client);
                };
            }));
        });
        var app = builder.Build();
        TestBackend? self = null;
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (HealthPaths.Contains(path))
            {
                if (!health.Contains(path))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                Interlocked.Increment(ref self!._probes);
                if (self.HealthStatus >= 400) Interlocked.Increment(ref self._failedProbes);
                context.Response.StatusCode = self.HealthStatus;
                await context.Response.WriteAsync("health");
                return;
            }
            Interlocked.Increment(ref self!._requests);
            var concurrent = Interlocked.Increment(ref self._concurrent);
            int max;
            while (concurrent > (max = Volatile.Read(ref self._maxConcurrent)) && Interlocked.CompareExchange(ref self._maxConcurrent, concurrent, max) != max) { }
            context.Response.OnCompleted(() =>
            {
                Interlocked.Decrement(ref self._concurrent);
                return Task.CompletedTask;
            });
            if (self.DelayMs > 0) await Task.Delay(self.DelayMs, context.RequestAborted);
            if (self.FailWith != 0)
            {
                if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method)) await HashUpload(context.Request, self);
                context.Response.StatusCode = self.FailWith;
                if (self.RetryAfterSeconds > 0) context.Response.Headers.RetryAfter = self.RetryAfterSeconds.ToString();
                await context.Response.WriteAsync($"{name} failing");
                return;
            }
            await next(context);
        });
        app.MapGet("/headers", (HttpRequest request) => Results.Json(new Dictionary<string, string>(
            request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())), StringComparer.OrdinalIgnoreCase)));
        app.MapMethods("/upload", ["POST", "PUT"], async (HttpRequest request) => Results.Text(await HashUpload(request, self!)));
        app.Map("/ws", EchoWebSocket);
        app.Map("/{**path}", (HttpContext context) =>
        {
            context.Response.Headers["X-Backend"] = name;
            if (context.Connection.ClientCertificate is { } client) context.Response.Headers["X-Client-Certificate"] = client.Subject;
            return Results.Text(name);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new TestBackend(name, app, url);
        return self;
    }

    /// <summary>The backends' URLs as a HOCON list: <c>["http://127.0.0.1:1234/", …]</c>.</summary>
    public static string HoconList(IEnumerable<TestBackend> backends) => $"[{string.Join(", ", backends.Select(b => $"\"{b.Url}\""))}]";

    public static async Task<TestBackend[]> StartManyAsync(params string[] names) =>
        await Task.WhenAll(names.Select(n => StartAsync(n)));

    public static Dictionary<string, string> ParseHeaders(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json)!, StringComparer.OrdinalIgnoreCase);

    private static async Task<string> HashUpload(HttpRequest request, TestBackend self)
    {
        Interlocked.Increment(ref self._uploads);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        Interlocked.Increment(ref self._completedUploads);
        return $"{total} {Convert.ToHexString(hash.GetHashAndReset())}";
    }

    private static async Task EchoWebSocket(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
        }
    }

    /// <summary>Dies like a crashed process: open connections are aborted, nothing is drained.</summary>
    public async Task KillAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
