using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using FlowBalance.Host.Edge.Acme;

namespace FlowBalance.Host.Tests.Support;

/// <summary>The balancer's plain-HTTP side in miniature: answers HTTP-01 from <see cref="Http01Challenges"/> on 127.0.0.1:port, 404 otherwise.</summary>
public sealed class ChallengeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _answered;

    private ChallengeServer(WebApplication app) => _app = app;

    /// <summary>Challenge requests answered with a key authorization (pebble asks 3 times per challenge).</summary>
    public int Answered => Volatile.Read(ref _answered);

    public static async Task<ChallengeServer> StartAsync(int port, Http01Challenges challenges)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new ChallengeServer(app);
        app.MapGet(Http01Challenges.PathPrefix + "{token}", (string token) =>
        {
            if (!challenges.TryGet(token, out var keyAuthorization)) return Results.NotFound();
            Interlocked.Increment(ref server._answered);
            return Results.Text(keyAuthorization, "application/octet-stream");
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
