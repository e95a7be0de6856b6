using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// The wire side of <see cref="AcmeClient"/>: the directory, the nonce pool (thread-safe), signed
/// POSTs with badNonce retries, and bounded polling. Every request times out after <see cref="AcmeClient.RequestTimeout"/>.
/// </summary>
internal sealed partial class AcmeTransport(Uri directoryUrl, HttpMessageHandler handler, AcmeJws jws, ILogger log) : IDisposable
{
    /// <summary>badNonce is a normal answer (a nonce expired or the server rejected it at random): retry with the fresh one it carries.</summary>
    private const int MaxBadNonceRetries = 5;
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = CreateClient(handler);
    private readonly ConcurrentQueue<string> _nonces = new();
    private Directory? _directory;

    public async Task<Directory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is { } known) return known;
        using var response = await _http.GetAsync(directoryUrl, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw AcmeProblem.From(response, body);
        using var json = JsonDocument.Parse(body);
        Uri Get(string name) => new(json.RootElement.GetProperty(name).GetString()!);
        return _directory = new Directory(Get("newNonce"), Get("newAccount"), Get("newOrder"));
    }

    /// <summary>A POST signed with <paramref name="kid"/> (null: with the jwk, for newAccount); a null payload is POST-as-GET. Retries badNonce.</summary>
    public async Task<Response> PostAsync(Uri url, string? payload, Uri? kid, CancellationToken cancellationToken, string? accept = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var nonce = await NextNonceAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(jws.Sign(url, nonce, kid, payload)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json"); // exactly this: no charset parameter
            if (accept is not null) request.Headers.Accept.ParseAdd(accept);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (NonceOf(response) is { } next) _nonces.Enqueue(next);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new Response(response.Headers.Location is { } location ? new Uri(url, location) : null, AcmeProblem.RetryAfterOf(response), body);
            }
            var problem = AcmeProblem.From(response, body);
            if (problem.Type != AcmeException.BadNonce || attempt > MaxBadNonceRetries) throw problem;
            LogBadNonce(log, url, attempt);
        }
    }

    /// <summary>
    /// POST-as-GET <paramref name="url"/> while its status is <paramref name="waiting"/> (<paramref name="first"/>: an
    /// answer already in hand), backing off from 100 ms to 5 s or as Retry-After says; fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task<JsonElement> PollAsync(Uri url, JsonElement? first, string waiting, string what, Uri kid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var interval = FirstPollInterval;
        var current = first;
        TimeSpan? retryAfter = null;
        while (true)
        {
            if (current is { } answer && answer.GetProperty("status").GetString() != waiting) return answer;
            if (current is not null)
            {
                var wait = retryAfter is { } asked && asked > interval ? asked : interval;
                if (DateTimeOffset.UtcNow + wait > deadline) throw new AcmeException(null, $"{what} still {waiting} after {timeout.TotalSeconds:0} s");
                await Task.Delay(wait, cancellationToken);
                interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
            }
            var response = await PostAsync(url, null, kid, cancellationToken);
            current = response.Json;
            retryAfter = response.RetryAfter;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> NextNonceAsync(CancellationToken cancellationToken)
    {
        if (_nonces.TryDequeue(out var nonce)) return nonce;
        var directory = await GetDirectoryAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw AcmeProblem.From(response, "");
        return NonceOf(response) ?? throw new AcmeException(null, "newNonce answered without a Replay-Nonce");
    }

    private static string? NonceOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Replay-Nonce", out var values) ? values.FirstOrDefault() : null;

    private static HttpClient CreateClient(HttpMessageHandler handler)
    {
        var http = new HttpClient(handler) { Timeout = AcmeClient.RequestTimeout };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("FlowBalance-ACME", "1.0")); // RFC 8555 §6.1: MUST send one
        return http;
    }

    public sealed record Directory(Uri NewNonce, Uri NewAccount, Uri NewOrder);

    public sealed record Response(Uri? Location, TimeSpan? RetryAfter, string Body)
    {
        private JsonElement? _json;

        /// <summary>Parsed on first use: the certificate download is PEM, not JSON.</summary>
        public JsonElement Json => _json ??= Parse(Body);

        private static JsonElement Parse(string body)
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ACME server rejected the nonce for {Url} (attempt {Attempt}); retrying with a fresh one")]
    private static partial void LogBadNonce(ILogger logger, Uri url, int attempt);
}
