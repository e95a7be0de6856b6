using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>https:// backends: verified by default, a private CA with ca_file, an SNI override, mTLS with a client certificate.</summary>
public sealed class BackendTlsTests : IDisposable
{
    private readonly TempDirectory _folder = new("flowbalance-backend-tls");
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _ca = TestCertificates.CreateCa("backend CA");

    public void Dispose() => _folder.Dispose();

    private string CaFile()
    {
        var path = Path.Combine(_folder.Path, "backend-ca.pem");
        File.WriteAllText(path, _ca.ExportCertificatePem());
        return path;
    }

    [Fact]
    public async Task A_private_ca_is_trusted_with_ca_file_and_an_unverifiable_backend_is_a_clear_error()
    {
        await using var backend = await TestBackend.StartAsync("tls-origin", certificate: TestCertificates.CreateLeaf(_ca, "localhost", "127.0.0.1"));
        await using var trusted = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], ca_file = "{{CaFile()}}" }""");
        await using var untrusted = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks { enabled = false } }
            """);

        using var good = trusted.CreateClient();
        using var bad = untrusted.CreateClient();
        Assert.Equal("tls-origin", await good.GetStringAsync("/"));
        // The health probe uses the same TLS settings: it finds /health over HTTPS and the backend is healthy.
        await Eventually.True(async () => (await AdminApi.GetStringAsync(good, "/__lb_admin__/api/v1/status")).Contains("\"state\":\"healthy\""), "the probe over TLS succeeds");
        Assert.True(backend.Probes > 0);
        var before = backend.Requests;
        using var refused = await bad.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode); // it could not be reached: the request never left
        Assert.Equal(before, backend.Requests); // nothing reached the backend: the handshake failed
        await Eventually.True(() => untrusted.Output.Contains("TLS handshake failed"), "the balancer says it is the backend's certificate");
        Assert.True(untrusted.Output.Contains("TLS handshake failed (The remote certificate is invalid because of errors in the certificate chain: PartialChain) (attempt 1)"), untrusted.Output);
    }

    [Fact]
    public async Task Sni_names_the_backend_certificate_and_tls_verify_false_skips_the_check_with_a_warning()
    {
        await using var backend = await TestBackend.StartAsync("sni-origin", certificate: TestCertificates.CreateLeaf(_ca, "origin.internal"));
        await using var bySni = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], ca_file = "{{CaFile()}}", sni = "origin.internal" }""");
        await using var unchecked_ = await BalancerProcess.StartAsync($$"""flowbalance { backends = [{ url = "{{backend.Url}}", tls_verify = false }] }""");

        using var sni = bySni.CreateClient();
        using var skip = unchecked_.CreateClient();
        Assert.Equal("sni-origin", await sni.GetStringAsync("/"));
        Assert.Equal("sni-origin", await skip.GetStringAsync("/"));
        Assert.Contains("tls_verify = false, so the certificate of", unchecked_.Output);
    }

    [Fact]
    public async Task A_client_certificate_is_presented_for_mtls()
    {
        var clientCa = TestCertificates.CreateCa("client CA");
        var client = TestCertificates.CreateClient(clientCa, "flowbalance-lb");
        var (cert, key) = (Path.Combine(_folder.Path, "client.crt"), Path.Combine(_folder.Path, "client.key"));
        await File.WriteAllTextAsync(cert, client.ExportCertificatePem());
        await File.WriteAllTextAsync(key, TestCertificates.PrivateKeyPem(client));
        await using var backend = await TestBackend.StartAsync("mtls-origin", certificate: TestCertificates.CreateLeaf(_ca, "localhost", "127.0.0.1"), clientCa: clientCa);
        await using var withCertificate = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], ca_file = "{{CaFile()}}", client_cert = "{{cert}}", client_key = "{{key}}" }
            """);
        await using var without = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], ca_file = "{{CaFile()}}", activeHealthChecks { enabled = false } }
            """);

        using var mtls = withCertificate.CreateClient();
        using var plain = without.CreateClient();
        using var answered = await mtls.GetAsync("/");
        using var refused = await plain.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("CN=flowbalance-lb", answered.Headers.GetValues("X-Client-Certificate").Single());
        Assert.True(refused.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {refused.StatusCode}");
    }
}
