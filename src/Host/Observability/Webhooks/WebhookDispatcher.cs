using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>
/// Delivers events to the configured webhooks. Each webhook has its own bounded queue and one
/// worker, so order is kept per webhook and a slow or dead receiver delays nothing else (the event
/// hub only enqueues). Failed deliveries are retried on <see cref="RetrySchedule"/> with the same
/// <c>webhook-id</c>. Flapping is not a pager storm: after a backend's (or service's) event goes out,
/// further events of the same backend within <see cref="CoalesceWindow"/> are held, and when the
/// window ends the latest of them goes out once, with <c>coalesced</c> = how many it stands for.
/// </summary>
public sealed partial class WebhookDispatcher : IDisposable
{
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromSeconds(30);
    public const int QueueLength = 1000;
    private const int KeptDeliveries = 1000;

    private readonly WebhookEndpoint[] _endpoints;
    private readonly ConcurrentQueue<WebhookDelivery> _recent = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };
    private readonly Meter _meter = new(ProxyMetrics.MeterName);
    private readonly Counter<long> _deliveries;
    private readonly ILogger _log;

    public WebhookDispatcher(FlowBalanceOptions options, ILogger<WebhookDispatcher> log)
    {
        _log = log;
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("FlowBalance-Webhook/1");
        _deliveries = _meter.CreateCounter<long>("flowbalance.webhook.deliveries", null,
            "Webhook delivery attempts by result (labels: webhook, result = delivered | retry | failed | dropped)");
        _endpoints = [.. options.Webhooks.Select(w => new WebhookEndpoint(this, w))];
    }

    /// <summary>Called by the event hub for every event: enqueues, never waits.</summary>
    public void Offer(FlowEvent change)
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Options.Wants(change.Type)) endpoint.Offer(change);
        }
    }

    /// <summary>The most recent deliveries (the last 1,000), newest first.</summary>
    public IEnumerable<WebhookDelivery> Recent => _recent.Reverse();

    internal CancellationToken Stopping => _stopping.Token;

    internal void Track(WebhookDelivery delivery)
    {
        _recent.Enqueue(delivery);
        while (_recent.Count > KeptDeliveries && _recent.TryDequeue(out _)) { }
    }

    internal void Count(string webhook, string result) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("webhook", webhook), new KeyValuePair<string, object?>("result", result));

    /// <summary>One attempt: POST the body, signed; the receiver's status (2xx = delivered) and its Retry-After.</summary>
    internal async Task<(WebhookDelivery.Attempt Attempt, TimeSpan? RetryAfter)> SendAsync(WebhookOptions webhook, WebhookDelivery delivery)
    {
        var started = Stopwatch.GetTimestamp();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (webhook.Secret is { } secret)
        {
            request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign(WebhookSigner.Key(secret), delivery.Id, timestamp, delivery.Body));
        }
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Stopping);
            var retryAfter = response.Headers.RetryAfter is { } after
                ? after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : null;
            return (new WebhookDelivery.Attempt(DateTimeOffset.UtcNow, (int)response.StatusCode, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds), retryAfter);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !Stopping.IsCancellationRequested)
        {
            var why = e is TaskCanceledException ? "no answer within 10 s" : e.Message;
            return (new WebhookDelivery.Attempt(DateTimeOffset.UtcNow, null, why, Stopwatch.GetElapsedTime(started).TotalMilliseconds), null);
        }
    }

    internal void Failed(WebhookOptions webhook, WebhookDelivery delivery, WebhookDelivery.Attempt attempt, TimeSpan? next) =>
        LogFailed(_log, webhook.Id, webhook.Url, delivery.EventType, attempt.Status?.ToString() ?? attempt.Error ?? "?",
            next is { } wait ? $"retrying in {wait.TotalSeconds:0.#} s" : "giving up");

    internal void Dropped(WebhookOptions webhook, string type) => LogDropped(_log, webhook.Id, type, QueueLength);

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var endpoint in _endpoints) endpoint.Dispose();
        _client.Dispose();
        _meter.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {Webhook} ({Url}): {Type} delivery failed ({Result}); {Next}")]
    private static partial void LogFailed(ILogger logger, string webhook, Uri url, string type, string result, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {Webhook}: {Type} dropped, {Length} deliveries already queued (the receiver is slow or down)")]
    private static partial void LogDropped(ILogger logger, string webhook, string type, int length);
}
