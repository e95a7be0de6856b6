using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FlowBalance.Actors.Events;
using FlowBalance.Host.Edge.Acme;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>The ACME client and manager against a real pebble; HTTP-01 is answered by a Kestrel on the port pebble validates.</summary>
[SupportedOSPlatform("linux")] // Debian's pebble; file modes
public sealed class AcmeClientTests(ITestOutputHelper output)
{
    private static readonly string[] Hosts = ["app.test", "www.app.test"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Order_FromNothing_ChainVerifiesToPebbleRoot()
    {
        var httpPort = Ports.Refusing();
        await using var pebble = await PebbleServer.StartAsync(httpPort);
        var challenges = new Http01Challenges();
        await using var responder = await ChallengeServer.StartAsync(httpPort, challenges);
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = new AcmeClient(pebble.DirectoryUrl, AcmeHttpHandler.Create(pebble.CaPemPath), accountKey) { Email = "ops@app.test" };

        var watch = Stopwatch.StartNew();
        var issued = await client.OrderAsync(Hosts, challenges, CancellationToken.None).WaitAsync(Deadline);
        output.WriteLine($"first issuance (account, order, 2 authorizations, finalize, download): {watch.ElapsedMilliseconds} ms");
        watch.Restart();
        await client.OrderAsync(Hosts, challenges, CancellationToken.None).WaitAsync(Deadline);
        output.WriteLine($"second order, same account: {watch.ElapsedMilliseconds} ms");

        Assert.Equal(Hosts, DnsNames(issued.Leaf));
        Assert.Equal("CN=app.test", issued.Leaf.Subject);
        Assert.True(issued.Leaf.HasPrivateKey);
        Assert.True(Verifies(issued, await pebble.GetRootAsync()), "the chain builds to pebble's /roots/0");
        Assert.True(responder.Answered >= Hosts.Length, $"pebble fetched the key authorizations ({responder.Answered} answers)");
        Assert.Equal(0, challenges.Count); // unpublished once the authorizations are done
        Assert.NotNull(client.AccountUrl);
    }

    [Fact]
    public async Task Order_StaleNonces_RetriedWithTheFreshNonceOfTheBadNonceAnswer()
    {
        var httpPort = Ports.Refusing();
        await using var pebble = await PebbleServer.StartAsync(httpPort, nonceRejectPercent: 0); // only the nonces spoiled here are bad
        var challenges = new Http01Challenges();
        await using var responder = await ChallengeServer.StartAsync(httpPort, challenges);
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spoiler = new NonceSpoiler(3, AcmeHttpHandler.Create(pebble.CaPemPath));
        using var client = new AcmeClient(pebble.DirectoryUrl, spoiler, accountKey, new TestOutputLogger<AcmeClient>(output));

        var issued = await client.OrderAsync(Hosts, challenges, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(3, spoiler.Rejected); // each spoiled nonce was refused once, then the next one worked
        Assert.Equal(Hosts, DnsNames(issued.Leaf));
    }

    [Fact]
    public async Task Manager_SecondRun_LoadsStoredCertificateReusesAccountAndRenewsOnDemand()
    {
        var httpPort = Ports.Refusing();
        await using var pebble = await PebbleServer.StartAsync(httpPort);
        var challenges = new Http01Challenges();
        await using var responder = await ChallengeServer.StartAsync(httpPort, challenges);
        using var folder = new TempDirectory("flowbalance-acme-");
        var storage = new AcmeStorage(folder.Path);

        var first = new Run(output, pebble, storage, challenges);
        var watch = Stopwatch.StartNew();
        await first.Manager.StartAsync(CancellationToken.None);
        var issued = await first.Next(CertificateChanged.Issued);
        output.WriteLine($"manager, first issuance from nothing: {watch.ElapsedMilliseconds} ms");
        await first.DisposeAsync();

        Assert.Equal(storage.CertificatePath(Hosts), issued.Path);
        Assert.Equal(Hosts, issued.Hosts);
        var installed = Assert.Single(first.Installed);
        Assert.Equal(installed.NotAfter, issued.NotAfter);
        Assert.True(Verifies(installed, await pebble.GetRootAsync()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage.AccountKeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(storage.KeyPath(Hosts)));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(installed.Leaf.Thumbprint, storage.TryLoad(Hosts)?.Leaf.Thumbprint);

        var second = new Run(output, pebble, storage, challenges);
        await second.Manager.StartAsync(CancellationToken.None);
        // Installed before StartAsync returned: the listener can start with it.
        Assert.Equal(installed.Leaf.Thumbprint, Assert.Single(second.Installed).Leaf.Thumbprint);
        Assert.Equal(CertificateChanged.Loaded, Assert.Single(second.Events).Kind);
        watch.Restart();
        await second.Manager.RenewNowAsync(CancellationToken.None).WaitAsync(Deadline);
        output.WriteLine($"manager, forced renewal: {watch.ElapsedMilliseconds} ms");
        var renewed = await second.Next(CertificateChanged.Renewed);
        await second.DisposeAsync();

        Assert.Equal(first.Client.AccountUrl, second.Client.AccountUrl);
        Assert.Equal(first.Client.Jws.Thumbprint, second.Client.Jws.Thumbprint);
        var newAccount = await NewAccountUrlAsync(pebble);
        Assert.DoesNotContain(second.Requests, r => r == newAccount);
        Assert.Contains(first.Requests, r => r == newAccount);
        Assert.Equal(2, second.Installed.Count);
        var replacement = second.Installed.Last();
        Assert.NotEqual(installed.Leaf.SerialNumber, replacement.Leaf.SerialNumber);
        Assert.Equal(replacement.NotAfter, renewed.NotAfter);
        Assert.Equal(replacement.Leaf.Thumbprint, storage.TryLoad(Hosts)?.Leaf.Thumbprint);
    }

    [Fact]
    public async Task Manager_PebbleDownDuringRenewal_KeepsOldCertificateAndRetriesAfterRestart()
    {
        var httpPort = Ports.Refusing();
        await using var pebble = await PebbleServer.StartAsync(httpPort);
        var challenges = new Http01Challenges();
        await using var responder = await ChallengeServer.StartAsync(httpPort, challenges);
        using var folder = new TempDirectory("flowbalance-acme-");
        var storage = new AcmeStorage(folder.Path);
        await using var run = new Run(output, pebble, storage, challenges,
            new RenewalSchedule { FirstRetry = TimeSpan.FromMilliseconds(200), MaxRetry = TimeSpan.FromSeconds(1) });
        await run.Manager.StartAsync(CancellationToken.None);
        await run.Next(CertificateChanged.Issued);
        var old = Assert.Single(run.Installed);
        var account = run.Client.AccountUrl;

        await pebble.StopAsync();
        await run.Manager.RenewNowAsync(CancellationToken.None).WaitAsync(Deadline);
        var failed = await run.Next(CertificateChanged.Failed);
        output.WriteLine($"reason while pebble is down: {failed.Reason}");

        Assert.Contains("refused", failed.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" at ", failed.Reason); // a message, not a stack trace
        Assert.Equal(old.NotAfter, failed.NotAfter);  // the installed certificate stays...
        Assert.Single(run.Installed);
        Assert.Equal(old.Leaf.Thumbprint, storage.TryLoad(Hosts)?.Leaf.Thumbprint); // ...and so does the stored one

        await pebble.StartAsync(); // a new pebble: it knows neither the account nor the nonces
        var renewed = await run.Next(CertificateChanged.Renewed);
        // Registered again (the new pebble answered accountDoesNotExist), and the new account URL is what is stored now.
        Assert.NotEqual(account, run.Client.AccountUrl);
        Assert.Equal(run.Client.AccountUrl, storage.LoadAccountUrl(pebble.DirectoryUrl));
        var replacement = run.Installed.Last();
        Assert.Equal(2, run.Installed.Count);
        Assert.Equal(replacement.NotAfter, renewed.NotAfter);
        Assert.True(Verifies(replacement, await pebble.GetRootAsync()), "the new certificate chains to the restarted pebble's root");
        Assert.Equal(replacement.Leaf.Thumbprint, storage.TryLoad(Hosts)?.Leaf.Thumbprint);
    }

    [Fact]
    public async Task Order_TokenNotServed_ThrowsPebbleProblem()
    {
        var httpPort = Ports.Refusing();
        await using var pebble = await PebbleServer.StartAsync(httpPort);
        var challenges = new Http01Challenges();
        await using var responder = await ChallengeServer.StartAsync(httpPort, new Http01Challenges()); // answers 404 to every token
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = new AcmeClient(pebble.DirectoryUrl, AcmeHttpHandler.Create(pebble.CaPemPath), accountKey);

        var problem = await Assert.ThrowsAsync<AcmeException>(() => client.OrderAsync(Hosts, challenges, CancellationToken.None).WaitAsync(Deadline));
        output.WriteLine($"{problem.Type}: {problem.Detail}");

        Assert.Equal("urn:ietf:params:acme:error:unauthorized", problem.Type);
        Assert.Contains("404", problem.Detail);
        Assert.Equal(0, challenges.Count);
    }

    [Fact]
    public async Task Manager_NobodyServesChallenge_PublishesFailedWithPebbleDetail()
    {
        var httpPort = Ports.Refusing(); // nothing listens there
        await using var pebble = await PebbleServer.StartAsync(httpPort);
        using var folder = new TempDirectory("flowbalance-acme-");
        var storage = new AcmeStorage(folder.Path);
        await using var run = new Run(output, pebble, storage, new Http01Challenges());
        await run.Manager.StartAsync(CancellationToken.None);

        var failed = await run.Next(CertificateChanged.Failed);
        output.WriteLine($"reason: {failed.Reason}");

        Assert.Contains($"127.0.0.1:{httpPort}", failed.Reason); // pebble's own words about the validation it tried
        Assert.Contains("refused", failed.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Null(failed.NotAfter);
        Assert.Empty(run.Installed);
        Assert.False(File.Exists(storage.CertificatePath(Hosts)));
    }

    private static string[] DnsNames(X509Certificate2 certificate) =>
        [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames())];

    private static bool Verifies(IssuedCertificate certificate, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(certificate.Intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate.Leaf);
    }

    private static async Task<string> NewAccountUrlAsync(PebbleServer pebble)
    {
        using var http = new HttpClient(AcmeHttpHandler.Create(pebble.CaPemPath));
        using var directory = JsonDocument.Parse(await http.GetStringAsync(pebble.DirectoryUrl));
        return directory.RootElement.GetProperty("newAccount").GetString()!;
    }

    /// <summary>One balancer process's worth of ACME: client (recording its requests), manager, what it installed and published.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ECDsa _accountKey;

        public Run(ITestOutputHelper output, PebbleServer pebble, AcmeStorage storage, Http01Challenges challenges, RenewalSchedule? schedule = null)
        {
            _accountKey = storage.LoadOrCreateAccountKey();
            Client = new AcmeClient(pebble.DirectoryUrl, new Recorder(Requests, AcmeHttpHandler.Create(pebble.CaPemPath)), _accountKey,
                new TestOutputLogger<AcmeClient>(output)) { Email = "ops@app.test" };
            Manager = new AcmeCertificateManager(Client, storage, challenges, [Hosts], Installed.Enqueue,
                e => Events.Enqueue((CertificateChanged)e), new TestOutputLogger<AcmeCertificateManager>(output), schedule);
        }

        public AcmeClient Client { get; }

        public AcmeCertificateManager Manager { get; }

        public ConcurrentQueue<IssuedCertificate> Installed { get; } = new();

        public ConcurrentQueue<CertificateChanged> Events { get; } = new();

        public ConcurrentQueue<string> Requests { get; } = new();

        /// <summary>The first event of <paramref name="kind"/>, waited for with a deadline.</summary>
        public async Task<CertificateChanged> Next(string kind)
        {
            await Eventually.True(() => Events.Any(e => e.Kind == kind), $"a certificate.{kind} event (so far: {string.Join(", ", Events.Select(e => e.Kind))})", Deadline);
            return Events.First(e => e.Kind == kind);
        }

        public async ValueTask DisposeAsync()
        {
            await Manager.StopAsync(CancellationToken.None).WaitAsync(Deadline);
            Manager.Dispose();
            Client.Dispose();
            _accountKey.Dispose();
        }
    }

    /// <summary>Replaces the Replay-Nonce of the first <c>count</c> answers with one the server never issued (as if it had expired).</summary>
    private sealed class NonceSpoiler(int count, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _spoiled, _rejected;

        public int Rejected => Volatile.Read(ref _rejected);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken); // read here and again by the client
            if (response.StatusCode == System.Net.HttpStatusCode.BadRequest && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains(AcmeException.BadNonce))
            {
                Interlocked.Increment(ref _rejected);
            }
            if (_spoiled < count && response.Headers.Remove("Replay-Nonce"))
            {
                _spoiled++;
                response.Headers.Add("Replay-Nonce", "c3BvaWxlZC1ub25jZQ");
            }
            return response;
        }
    }

    private sealed class Recorder(ConcurrentQueue<string> requests, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri!.AbsoluteUri);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
