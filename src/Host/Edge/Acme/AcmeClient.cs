using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// A small RFC 8555 client: account, order, http-01, finalize, download. One order at a time per
/// instance (<see cref="AcmeCertificateManager"/> serializes them). Every request has
/// <see cref="RequestTimeout"/> and every poll <see cref="PollTimeout"/>, so no call waits forever.
/// Owns <c>handler</c> (disposed with the client).
/// </summary>
public sealed partial class AcmeClient : IDisposable
{
    private readonly AcmeTransport _transport;
    private readonly ILogger _log;

    public AcmeClient(Uri directoryUrl, HttpMessageHandler handler, ECDsa accountKey, ILogger? log = null)
    {
        DirectoryUrl = directoryUrl;
        Jws = new AcmeJws(accountKey);
        _log = log ?? NullLogger.Instance;
        _transport = new AcmeTransport(directoryUrl, handler, Jws, _log);
    }

    /// <summary>One HTTP exchange with the server, headers and body.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public Uri DirectoryUrl { get; }

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
        var directory = await _transport.GetDirectoryAsync(cancellationToken);
        var payload = JsonSerializer.Serialize(new { termsOfServiceAgreed = true, contact = Email is null ? [] : new[] { "mailto:" + Email } });
        var response = await _transport.PostAsync(directory.NewAccount, payload, kid: null, cancellationToken);
        AccountUrl = response.Location ?? throw new AcmeException(null, "newAccount answered without a Location (the account URL)");
        LogAccount(_log, AccountUrl);
        return AccountUrl;
    }

    /// <summary>newOrder for <paramref name="hosts"/> (the first is the CN), http-01 for every authorization not yet valid, finalize with a fresh P-256 key, download the chain.</summary>
    public async Task<IssuedCertificate> OrderAsync(IReadOnlyList<string> hosts, Http01Challenges challenges, CancellationToken cancellationToken)
    {
        if (hosts.Count == 0) throw new ArgumentException("an order needs at least one host", nameof(hosts));
        var directory = await _transport.GetDirectoryAsync(cancellationToken);
        var newOrder = JsonSerializer.Serialize(new { identifiers = hosts.Select(h => new { type = "dns", value = h }) });
        var account = await EnsureAccountAsync(cancellationToken);
        AcmeTransport.Response created;
        try
        {
            created = await _transport.PostAsync(directory.NewOrder, newOrder, account, cancellationToken);
        }
        catch (AcmeException e) when (e.Type == AcmeException.AccountDoesNotExist)
        {
            // The server forgot the account (a test server restarted, or the stored URL is another CA's): register again.
            AccountUrl = null;
            account = await EnsureAccountAsync(cancellationToken);
            created = await _transport.PostAsync(directory.NewOrder, newOrder, account, cancellationToken);
        }
        var orderUrl = created.Location ?? throw new AcmeException(null, "newOrder answered without a Location (the order URL)");
        foreach (var authorization in created.Json.GetProperty("authorizations").EnumerateArray())
        {
            await AuthorizeAsync(new Uri(authorization.GetString()!), challenges, account, cancellationToken);
        }
        var what = $"order for {string.Join(", ", hosts)}";
        var ready = await _transport.PollAsync(orderUrl, null, "pending", what, account, PollTimeout, cancellationToken);
        Expect(ready, "ready", what);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = AcmeJws.Base64Url(CertificateSigningRequest.Create(hosts, key));
        var finalize = new Uri(ready.GetProperty("finalize").GetString()!);
        var finalized = await _transport.PostAsync(finalize, JsonSerializer.Serialize(new { csr }), account, cancellationToken);
        var valid = await _transport.PollAsync(orderUrl, finalized.Json, "processing", what, account, PollTimeout, cancellationToken);
        Expect(valid, "valid", what);

        var certificate = new Uri(valid.GetProperty("certificate").GetString()!);
        var chain = await _transport.PostAsync(certificate, null, account, cancellationToken, accept: "application/pem-certificate-chain");
        var all = new X509Certificate2Collection();
        all.ImportFromPem(chain.Body);
        if (all.Count == 0) throw new AcmeException(null, "the certificate URL returned no PEM certificate");
        using var leaf = all[0];
        return new IssuedCertificate(hosts, leaf.CopyWithPrivateKey(key), new X509Certificate2Collection(all.Skip(1).ToArray()));
    }

    public void Dispose() => _transport.Dispose();

    private async Task AuthorizeAsync(Uri url, Http01Challenges challenges, Uri account, CancellationToken cancellationToken)
    {
        var authorization = (await _transport.PostAsync(url, null, account, cancellationToken)).Json;
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
            await _transport.PostAsync(new Uri(challenge.GetProperty("url").GetString()!), "{}", account, cancellationToken);
            var done = await _transport.PollAsync(url, null, "pending", $"authorization of {host}", account, PollTimeout, cancellationToken);
            Expect(done, "valid", $"authorization of {host}");
            LogAuthorized(_log, host);
        }
        finally
        {
            challenges.Remove(token);
        }
    }

    private static void Expect(JsonElement resource, string status, string what)
    {
        var actual = resource.GetProperty("status").GetString();
        if (actual != status) throw ProblemOf(resource, $"{what} is {actual}, expected {status}");
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

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex TokenPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME account {Account}")]
    private static partial void LogAccount(ILogger logger, Uri account);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ACME authorization of {Host} is valid")]
    private static partial void LogAuthorized(ILogger logger, string? host);
}
