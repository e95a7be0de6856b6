using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A webhook receiver on loopback, written the way a user would: it checks the Standard Webhooks
/// signature itself (HMAC-SHA256 over "id.timestamp.body" with the decoded whsec_ secret) and
/// answers the statuses the test scripts (then 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();

    public sealed record Received(string Id, string Timestamp, string Signature, string Body, bool SignatureValid, DateTimeOffset At);

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The next answers, in order; after them, 200.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses) _script.Enqueue(status);
    }

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? self = null;
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = context.Request.Headers["webhook-id"].ToString();
            var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
            var signature = context.Request.Headers["webhook-signature"].ToString();
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
            self!.Requests.Enqueue(new Received(id, timestamp, signature, body, signature.Split(' ').Contains(expected), DateTimeOffset.UtcNow));
            context.Response.StatusCode = self._script.TryDequeue(out var status) ? status : 200;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new WebhookReceiver(app, address);
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
