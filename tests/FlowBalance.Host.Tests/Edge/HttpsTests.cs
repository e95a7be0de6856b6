using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>HTTPS listeners end to end: the certificate per SNI name with its chain, ALPN, TLS versions, h2c, redirect and HSTS.</summary>
public sealed class HttpsTests
{
    private static string Config(EdgeCertificates pki, TestBackend backend, string serviceA = "", string serviceB = "", string top = "") => $$"""
        flowbalance {
          listen = ["http://127.0.0.1:0", "https://127.0.0.1:0", { url = "http://127.0.0.1:0", protocols = h2c }]
          {{pki.TlsSection()}}
          {{top}}
          services = [
            { hostname = "a.test", backends = ["{{backend.Url}}"] {{serviceA}} }
            { hostname = "b.test", backends = ["{{backend.Url}}"] {{serviceB}} }
          ]
        }
        """;

    [Fact]
    public async Task Each_sni_name_gets_its_certificate_with_the_chain_and_unknown_names_get_the_default()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("tls-backend");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pki, backend));
        var port = balancer.Listener("https").Port;

        var b = await TlsHandshake.WithAsync(port, "b.test");
        var wildcard = await TlsHandshake.WithAsync(port, "www.a.test");
        var unknown = await TlsHandshake.WithAsync(port, "nobody.example");
        var noSni = await TlsHandshake.WithAsync(port, null);

        Assert.StartsWith("CN=b.test", b.Subject);
        Assert.StartsWith("CN=a.test", wildcard.Subject);
        Assert.StartsWith("CN=a.test", unknown.Subject);
        Assert.StartsWith("CN=a.test", noSni.Subject);
        // The intermediate travels with the leaf: a client trusting only the root can build the chain.
        Assert.Contains(b.Sent, c => c.Thumbprint == pki.Intermediate.Thumbprint);
        using var client = LoopbackClients.Create(port, pki.Root);
        Assert.Equal("tls-backend", await client.GetStringAsync($"https://b.test:{port}/"));
    }

    [Fact]
    public async Task Without_a_default_an_unknown_name_fails_the_handshake_and_a_client_without_sni_gets_the_first_certificate()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("no-default");
        await using var balancer = await pki.StartBalancerAsync(backend, withDefault: false);
        var port = balancer.Listener("https").Port;

        await Assert.ThrowsAnyAsync<Exception>(() => TlsHandshake.WithAsync(port, "nobody.example")); // EOF or an alert, by platform
        Assert.StartsWith("CN=a.test", (await TlsHandshake.WithAsync(port, null)).Subject);
        Assert.StartsWith("CN=b.test", (await TlsHandshake.WithAsync(port, "b.test")).Subject); // the listener still serves
    }

    [Fact]
    public async Task Listen_may_be_given_several_times_on_the_command_line()
    {
        await using var backend = await TestBackend.StartAsync("two-listeners");
        using var file = new TempConfigFile($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        await using var balancer = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0", "--listen", "http://127.0.0.1:0"]);

        Assert.Equal(2, balancer.Listeners.Count);
        foreach (var (address, _) in balancer.Listeners)
        {
            using var client = new HttpClient { BaseAddress = address };
            Assert.Equal("two-listeners", await client.GetStringAsync("/"));
        }
    }

    [Fact]
    public async Task Http2_is_negotiated_by_alpn_http1_still_works_and_old_tls_versions_are_refused()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("alpn-backend");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pki, backend));
        var port = balancer.Listener("https").Port;

        using var h2 = LoopbackClients.Create(port, pki.Root, HttpVersion.Version20);
        using var h1 = LoopbackClients.Create(port, pki.Root, HttpVersion.Version11, policy: HttpVersionPolicy.RequestVersionExact);
        using var overH2 = await h2.GetAsync($"https://a.test:{port}/headers");
        using var overH1 = await h1.GetAsync($"https://a.test:{port}/headers");

        Assert.Equal(HttpVersion.Version20, overH2.Version);
        Assert.Equal(HttpVersion.Version11, overH1.Version);
        Assert.Equal("https", TestBackend.ParseHeaders(await overH2.Content.ReadAsStringAsync())["X-Forwarded-Proto"]);
        Assert.Equal(SslApplicationProtocol.Http11, (await TlsHandshake.WithAsync(port, "a.test", [SslApplicationProtocol.Http11])).Alpn);
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 on purpose: the balancer must refuse them
        await Assert.ThrowsAnyAsync<Exception>(() => TlsHandshake.WithAsync(port, "a.test", protocols: SslProtocols.Tls11));
#pragma warning restore SYSLIB0039
        Assert.Equal(SslProtocols.Tls13, (await TlsHandshake.WithAsync(port, "a.test")).Protocol);
        Assert.Equal(SslProtocols.Tls12, (await TlsHandshake.WithAsync(port, "a.test", protocols: SslProtocols.Tls12)).Protocol);

        if (File.Exists("/usr/bin/curl"))
        {
            // An outside client agrees: curl negotiates HTTP/2 with ALPN and verifies the chain against the root.
            var rootFile = Path.Combine(pki.Folder, "root.pem");
            await File.WriteAllTextAsync(rootFile, pki.Root.ExportCertificatePem());
            var (exit, output) = await ProcessRunner.RunAsync("curl", ["-sS", "--http2", "--cacert", rootFile, "--resolve", $"b.test:{port}:127.0.0.1", $"https://b.test:{port}/", "-o", "/dev/null", "-w", "%{http_version}"]);
            Assert.True(exit == 0, output);
            Assert.Equal("2", output.Trim());
        }
    }

    [Fact]
    public async Task An_h2c_listener_speaks_cleartext_http2_with_prior_knowledge()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("h2c-backend");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pki, backend));
        var h2c = balancer.Listener("http", "h2c");

        using var client = LoopbackClients.Create(h2c.Port, version: HttpVersion.Version20, policy: HttpVersionPolicy.RequestVersionExact);
        using var response = await client.GetAsync($"http://a.test:{h2c.Port}/");

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("h2c-backend", await response.Content.ReadAsStringAsync());
        Assert.Contains($"FlowBalance listening on {h2c.ToString().TrimEnd('/')} (h2c)", balancer.Output);
    }

    [Fact]
    public async Task Redirect_https_answers_308_to_the_https_port_and_hsts_is_sent_over_https_only()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("redirect-backend");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pki, backend,
            serviceA: ", redirect_https = true, hsts { max_age = 600, include_subdomains = true }"));
        var http = balancer.Listener("http", "");
        var port = balancer.Listener("https").Port;
        using var plain = LoopbackClients.Create(http.Port);
        using var secure = LoopbackClients.Create(port, pki.Root);

        using var redirected = await plain.PostAsync($"http://a.test:{http.Port}/orders/7?x=1%202", new StringContent("body"));
        using var challenge = await plain.GetAsync($"http://a.test:{http.Port}/.well-known/acme-challenge/token");
        using var otherService = await plain.GetAsync($"http://b.test:{http.Port}/");
        using var overHttps = await secure.GetAsync($"https://a.test:{port}/");

        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal($"https://a.test:{port}/orders/7?x=1%202", redirected.Headers.Location!.OriginalString);
        Assert.NotEqual(HttpStatusCode.PermanentRedirect, challenge.StatusCode); // the ACME challenge path stays on HTTP
        Assert.Equal(HttpStatusCode.OK, otherService.StatusCode);
        Assert.False(otherService.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(HttpStatusCode.OK, overHttps.StatusCode);
        Assert.Equal("max-age=600; includeSubDomains", overHttps.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task The_affinity_cookie_is_secure_over_https_and_behind_a_trusted_tls_proxy()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("cookie-backend");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pki, backend,
            serviceB: ", load_balancer { session_affinity { type = cookie } }", top: "trusted_proxies = [\"127.0.0.1/32\"]"));
        var http = balancer.Listener("http", "");
        var port = balancer.Listener("https").Port;
        using var plain = LoopbackClients.Create(http.Port);
        using var secure = LoopbackClients.Create(port, pki.Root);

        using var overHttps = await secure.GetAsync($"https://b.test:{port}/");
        using var overHttp = await plain.GetAsync($"http://b.test:{http.Port}/");
        var viaProxy = new HttpRequestMessage(HttpMethod.Get, $"http://b.test:{http.Port}/headers");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        using var behindProxy = await plain.SendAsync(viaProxy);

        Assert.Contains("secure", overHttps.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", overHttp.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", behindProxy.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("https", TestBackend.ParseHeaders(await behindProxy.Content.ReadAsStringAsync())["X-Forwarded-Proto"]);
    }
}
