using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// A small RFC 8555 client: account, order, http-01, finalize, download. One order at a time per
/// instance (<see cref="AcmeCertificateManager"/> serializes them); the nonce pool is thread-safe.
/// Every request has <see cref="RequestTimeout"/> and every poll <see cref="PollTimeout"/>, so no call waits forever.
/// Owns <c>handler</c> (disposed with the client).
/// </summary>
public sealed partial class AcmeClient : IDisposable
{
    /// <summary>badNonce is a normal answer (a nonce expired or the server rejected it at random): retry with the fresh one it carries.</summary>
    private const int MaxBadNonceRetries = 5;
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly ILogger _log;
    private readonly ConcurrentQueue<string> _nonces = new();
    private AcmeDirectory? _directory;

    public AcmeClient(Uri directoryUrl, HttpMessageHandler handler, ECDsa accountKey, ILogger? log = null)
    {
        DirectoryUrl = directoryUrl;
        Jws = new AcmeJws(accountKey);
        _log = log ?? NullLogger.Instance;
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("FlowBalance-ACME", "1.0")); // RFC 8555 §6.1: MUST send one
    }

    public Uri DirectoryUrl { get; }

    /// <summary>One HTTP exchange with the server, headers and body.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an authorization or order may stay pending/processing before the attempt fails.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The account's contact; sent with newAccount.</summary>
    public string? Email { get; init; }

    /// <summary>The account (its <c>kid</c>); null until registered. Set it from storage to skip newAccount.</summary>
    public Uri? AccountUrl { get; set; }

    /// <summary>The account key's signer; its thumbprint is in every key authorization.</summary>
    public AcmeJws Jws { get; }

    /// <summary>newAccount (with the contact and termsOfServiceAgreed) unless <see cref="AccountUrl"/> is known. For an existing key the server answers with the same account.</summary>
    public async Task<Uri> EnsureAccountAsync(CancellationToken cancellationToken)
    {
        if (AccountUrl is { } known) return known;
        var directory = await GetDirectoryAsync(cancellationToken);
        var payload = JsonSerializer.Serialize(Email is null
            ? new { termsOfServiceAgreed = true, contact = Array.Empty<string>() }
            : new { termsOfServiceAgreed = true, contact = new[] { "mailto:" + Email } });
        var response = await PostAsync(directory.NewAccount, payload, cancellationToken, asAccount: false);
        AccountUrl = response.Location ?? throw new AcmeException(null, "newAccount answered without a Location (the account URL)");
        LogAccount(_log, AccountUrl);
        return AccountUrl;
    }

    /// <summary>newOrder for <paramref name="hosts"/> (the first is the CN), http-01 for every authorization not yet valid, finalize with a fresh P-256 key, download the chain.</summary>
    public async Task<IssuedCertificate> OrderAsync(IReadOnlyList<string> hosts, Http01Challenges challenges, CancellationToken cancellationToken)
    {
        if (hosts.Count == 0) throw new ArgumentException("an order needs at least one host", nameof(hosts));
        var directory = await GetDirectoryAsync(cancellationToken);
        var newOrder = JsonSerializer.Serialize(new { identifiers = hosts.Select(h => new { type = "dns", value = h }) });
        await EnsureAccountAsync(cancellationToken);
        AcmeResponse created;
        try
        {
            created = await PostAsync(directory.NewOrder, newOrder, cancellationToken);
        }
        catch (AcmeException e) when (e.Type == AcmeException.AccountDoesNotExist)
        {
            // The server forgot the account (a test server restarted, or the stored URL is another CA's): register again.
            AccountUrl = null;
            await EnsureAccountAsync(cancellationToken);
            created = await PostAsync(directory.NewOrder, newOrder, cancellationToken);
        }
        var orderUrl = created.Location ?? throw new AcmeException(null, "newOrder answered without a Location (the order URL)");
        foreach (var authorization in created.Json.GetProperty("authorizations").EnumerateArray())
        {
            await AuthorizeAsync(new Uri(authorization.GetString()!), challenges, cancellationToken);
        }
        var ready = await PollAsync(orderUrl, null, "pending", "order", cancellationToken);
        Expect(ready, "ready", $"order for {string.Join(", ", hosts)}");

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = AcmeJws.Base64Url(CertificateSigningRequest.Create(hosts, key));
        var finalized = await PostAsync(new Uri(ready.GetProperty("finalize").GetString()!), JsonSerializer.Serialize(new { csr }), cancellationToken);
        var valid = await PollAsync(orderUrl, finalized.Json, "processing", "order", cancellationToken);
        Expect(valid, "valid", $"order for {string.Join(", ", hosts)}");

        var chain = await PostAsync(new Uri(valid.GetProperty("certificate").GetString()!), null, cancellationToken, accept: "application/pem-certificate-chain");
        var all = new X509Certificate2Collection();
        all.ImportFromPem(chain.Body);
        if (all.Count == 0) throw new AcmeException(null, "the certificate URL returned no PEM certificate");
        using var leaf = all[0];
        return new IssuedCertificate(hosts, leaf.CopyWithPrivateKey(key), new X509Certificate2Collection(all.Skip(1).ToArray()));
    }

    public void Dispose() => _http.Dispose();

    private async Task AuthorizeAsync(Uri url, Http01Challenges challenges, CancellationToken cancellationToken)
    {
        var authorization = (await PostAsync(url, null, cancellationToken)).Json;
        var host = authorization.GetProperty("identifier").GetProperty("value").GetString();
        var status = authorization.GetProperty("status").GetString();
        if (status == "valid") return; // reused from an earlier order
        if (status != "pending") throw ProblemOf(authorization, $"authorization of {host} is {status}");
        var challenge = authorization.GetProperty("challenges").EnumerateArray()
            .FirstOrDefault(c => c.GetProperty("type").GetString() == "http-01");
        if (challenge.ValueKind != JsonValueKind.Object) throw new AcmeException(null, $"the server offers no http-01 challenge for {host}");
        var token = challenge.GetProperty("token").GetString()!;
        // The token becomes a URL path on our listener: only base64url characters (RFC 8555 §8.3).
        if (!TokenPattern().IsMatch(token)) throw new AcmeException(null, $"the http-01 token for {host} is not base64url");
        challenges.Set(token, Jws.KeyAuthorization(token));
        try
        {
            await PostAsync(new Uri(challenge.GetProperty("url").GetString()!), "{}", cancellationToken);
            var done = await PollAsync(url, null, "pending", $"authorization of {host}", cancellationToken);
            if (done.GetProperty("status").GetString() != "valid") throw ProblemOf(done, $"authorization of {host} is {done.GetProperty("status").GetString()}");
            LogAuthorized(_log, host);
        }
        finally
        {
            challenges.Remove(token);
        }
    }

    /// <summary>POST-as-GET <paramref name="url"/> while its status is <paramref name="waiting"/>; <paramref name="first"/> is an answer already in hand.</summary>
    private async Task<JsonElement> PollAsync(Uri url, JsonElement? first, string waiting, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + PollTimeout;
        var interval = TimeSpan.FromMilliseconds(100);
        var current = first;
        TimeSpan? retryAfter = null;
        while (true)
        {
            if (current is { } answer && answer.GetProperty("status").GetString() != waiting) return answer;
            if (current is not null)
            {
                var wait = retryAfter is { } asked && asked > interval ? asked : interval;
                if (DateTimeOffset.UtcNow + wait > deadline) throw new AcmeException(null, $"{what} still {waiting} after {PollTimeout.TotalSeconds:0} s");
                await Task.Delay(wait, cancellationToken);
                interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
            }
            var response = await PostAsync(url, null, cancellationToken);
            current = response.Json;
            retryAfter = response.RetryAfter;
        }
    }

    private static void Expect(JsonElement order, string status, string what)
    {
        var actual = order.GetProperty("status").GetString();
        if (actual != status) throw ProblemOf(order, $"{what} is {actual}, expected {status}");
    }

    /// <summary>The problem inside an order or authorization (its <c>error</c>, or a challenge's), else <paramref name="fallback"/>.</summary>
    private static AcmeException ProblemOf(JsonElement resource, string fallback)
    {
        if (resource.TryGetProperty("error", out var error)) return AcmeProblem.From(error, null, null);
        if (resource.TryGetProperty("challenges", out var list))
        {
            foreach (var challenge in list.EnumerateArray())
            {
                if (challenge.TryGetProperty("error", out var failed)) return AcmeProblem.From(failed, null, null);
            }
        }
        return new AcmeException(null, fallback);
    }

    private async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is { } known) return known;
        using var response = await _http.GetAsync(DirectoryUrl, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw AcmeProblem.From(response, body);
        using var json = JsonDocument.Parse(body);
        Uri Get(string name) => new(json.RootElement.GetProperty(name).GetString()!);
        return _directory = new AcmeDirectory(Get("newNonce"), Get("newAccount"), Get("newOrder"));
    }

    private async Task<string> NextNonceAsync(CancellationToken cancellationToken)
    {
        if (_nonces.TryDequeue(out var nonce)) return nonce;
        var directory = await GetDirectoryAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw AcmeProblem.From(response, "");
        return NonceOf(response) ?? throw new AcmeException(null, "newNonce answered without a Replay-Nonce");
    }

    /// <summary>A signed POST (kid, or jwk for newAccount); a null payload is POST-as-GET. Retries badNonce.</summary>
    private async Task<AcmeResponse> PostAsync(Uri url, string? payload, CancellationToken cancellationToken, bool asAccount = true, string? accept = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var nonce = await NextNonceAsync(cancellationToken);
            var kid = asAccount ? AccountUrl ?? throw new InvalidOperationException("no ACME account yet") : null;
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Jws.Sign(url, nonce, kid, payload)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json"); // exactly this: no charset parameter
            if (accept is not null) request.Headers.Accept.ParseAdd(accept);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (NonceOf(response) is { } next) _nonces.Enqueue(next);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return new AcmeResponse(response.Headers.Location is { } l ? new Uri(url, l) : null, AcmeProblem.RetryAfterOf(response), body);
            var problem = AcmeProblem.From(response, body);
            if (problem.Type != AcmeException.BadNonce || attempt > MaxBadNonceRetries) throw problem;
            LogBadNonce(_log, url, attempt);
        }
    }

    private static string? NonceOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Replay-Nonce", out var values) ? values.FirstOrDefault() : null;

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex TokenPattern();

    private sealed record AcmeDirectory(Uri NewNonce, Uri NewAccount, Uri NewOrder);

    private sealed record AcmeResponse(Uri? Location, TimeSpan? RetryAfter, string Body)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME account {Account}")]
    private static partial void LogAccount(ILogger logger, Uri account);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ACME authorization of {Host} is valid")]
    private static partial void LogAuthorized(ILogger logger, string? host);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ACME server rejected the nonce for {Url} (attempt {Attempt}); retrying with a fresh one")]
    private static partial void LogBadNonce(ILogger logger, Uri url, int attempt);
}
