using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Tests.Configuration;

/// <summary>listen lists, tls, redirect_https/hsts and backend protocol/TLS keys: read as written, every mistake named with key and line.</summary>
public sealed class EdgeConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flowbalance-edge-config").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Listen_takes_a_list_of_urls_and_objects_with_protocols()
    {
        var (cert, key) = Pem("a", DateTimeOffset.UtcNow.AddDays(30), "a.test");
        var options = ConfigText.Load($$"""
            flowbalance {
              demo_backends = 1
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443", { url = "http://127.0.0.1:8081", protocols = h2c }]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
            }
            """);

        Assert.Equal(["http://0.0.0.0:80", "https://0.0.0.0:443", "http://127.0.0.1:8081 (h2c)"], options.Listen.Select(l => l.ToString()));
        Assert.Equal(["HTTP/1.1", "HTTP/1.1 + HTTP/2", "h2c"], options.Listen.Select(l => l.Describe()));
        Assert.Equal(["a.test"], options.Tls.Certificates.Single().Hosts.ToArray()); // the certificate's own names when hosts is left out
        Assert.Equal(8081, options.Listen[2].Port);
        Assert.Equal(443, options.Listen[1].Port);
    }

    [Fact]
    public void Listener_mistakes_name_the_element()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              demo_backends = 1
              listen = [
                { url = "https://0.0.0.0:8443", protocols = h2c }
                { url = "http://0.0.0.0:8081", protocols = h2 }
                { protocols = h2c }
              ]
            }
            """);

        Assert.Contains("flowbalance.listen[0].protocols (line 4): h2c is cleartext HTTP/2 and needs an http:// listener; on 'https://0.0.0.0:8443' HTTP/2 is negotiated by ALPN (protocols = \"h2\" for HTTP/2 only)", errors);
        Assert.Contains("flowbalance.listen[1].protocols (line 5): HTTP/2 without TLS is h2c: protocols = \"h2c\" on 'http://0.0.0.0:8081'", errors);
        Assert.Contains("flowbalance.listen[2] (line 6): needs url, such as { url = \"http://0.0.0.0:8081\", protocols = \"h2c\" }", errors);
        Assert.Equal("flowbalance.listen (line 1): 'http://0.0.0.0:80' is listed twice",
            Assert.Single(ConfigText.Errors("flowbalance { listen = [\"http://0.0.0.0:80\", \"http://0.0.0.0:80\"], demo_backends = 1 }")));
    }

    [Fact]
    public void An_https_listener_needs_certificates()
    {
        Assert.Equal("flowbalance.listen (line 1): an https:// listener needs certificates: tls.certificates (PEM files) or tls.acme (automatic)",
            Assert.Single(ConfigText.Errors("flowbalance { listen = [\"https://0.0.0.0:443\"], demo_backends = 1 }")));
    }

    [Fact]
    public void Certificate_files_are_checked_when_the_file_is_read()
    {
        var (cert, key) = Pem("a", DateTimeOffset.UtcNow.AddDays(30), "a.test");
        var (_, otherKey) = Pem("other", DateTimeOffset.UtcNow.AddDays(30), "other.test");
        var missing = Path.Combine(_folder, "missing.pem");
        var errors = ConfigText.Errors($$"""
            flowbalance {
              demo_backends = 1
              listen = ["https://0.0.0.0:443"]
              tls {
                certificates = [
                  { cert = "{{missing}}", key = "{{key}}" }
                  { cert = "{{cert}}", key = "{{otherKey}}" }
                  { hosts = ["a.test", "b.test"], cert = "{{cert}}", key = "{{key}}" }
                ]
                default = "c.test"
              }
            }
            """);

        Assert.Equal(
        [
            $"flowbalance.tls.certificates[0].cert (line 6): certificate file not found: {missing}",
            $"flowbalance.tls.certificates[1].key (line 7): the key in {otherKey} does not match the certificate in {cert}",
            $"flowbalance.tls.certificates[2].hosts (line 8): 'b.test' is not a name of the certificate in {cert} (its names: a.test)",
            "flowbalance.tls.default (line 10): no certificate covers 'c.test' (hosts: a.test, b.test)",
        ], errors);
    }

    [Fact]
    public void An_expired_certificate_is_a_warning_with_its_date()
    {
        var expiry = DateTimeOffset.UtcNow.AddDays(-2);
        var (cert, key) = Pem("old", expiry, "old.test");
        var options = ConfigText.Load($$"""
            flowbalance {
              demo_backends = 1
              listen = ["https://0.0.0.0:443"]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
            }
            """);

        Assert.Contains(options.Warnings, w => w.Contains($"the certificate in {cert} expired on {expiry.UtcDateTime:yyyy-MM-dd}", StringComparison.Ordinal));
    }

    [Fact]
    public void Redirect_and_hsts_need_https_and_a_certificate_for_the_hostname()
    {
        var (cert, key) = Pem("a", DateTimeOffset.UtcNow.AddDays(30), "a.test");
        var noHttps = ConfigText.Errors("""
            flowbalance {
              listen = "http://0.0.0.0:80"
              services = [{ hostname = "a.test", backends = ["http://127.0.0.1:1"], redirect_https = true }]
            }
            """);
        var uncovered = ConfigText.Errors($$"""
            flowbalance {
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443"]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
              services = [{ hostname = "b.test", backends = ["http://127.0.0.1:1"], redirect_https = true }]
            }
            """);
        var preload = ConfigText.Errors($$"""
            flowbalance {
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443"]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
              services = [{ hostname = "a.test", backends = ["http://127.0.0.1:1"], hsts { max_age = 600, preload = true } }]
            }
            """);

        Assert.Equal("flowbalance.listen (line 2): service a.test sets redirect_https, which needs an https:// listener", Assert.Single(noHttps));
        Assert.Equal("flowbalance.tls (line 3): no certificate covers the hostname 'b.test' of service b.test, but it redirects to HTTPS (redirect_https): add it to a certificate's hosts or to tls.acme.hosts", Assert.Single(uncovered));
        Assert.Equal("flowbalance.services[0].hsts.preload (line 4): the preload list (hstspreload.org) needs include_subdomains = true and max_age of at least 1 year (31536000)", Assert.Single(preload));
    }

    [Fact]
    public void Hsts_and_redirect_are_read_per_service_with_top_level_defaults()
    {
        var (cert, key) = Pem("a", DateTimeOffset.UtcNow.AddDays(30), "a.test", "*.a.test");
        var options = ConfigText.Load($$"""
            flowbalance {
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443"]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
              hsts { include_subdomains = true }
              services = [
                { hostname = "a.test", backends = ["http://127.0.0.1:1"], redirect_https = true }
                { hostname = "b.a.test", backends = ["http://127.0.0.1:2"], hsts { max_age = 31536000, preload = true } }
              ]
            }
            """);

        Assert.True(options.Services[0].Settings.RedirectHttps);
        Assert.Equal("max-age=31536000; includeSubDomains", options.Services[0].Settings.Hsts!.HeaderValue);
        Assert.Equal("max-age=31536000; includeSubDomains; preload", options.Services[1].Settings.Hsts!.HeaderValue);
    }

    [Fact]
    public void Acme_settings_are_checked()
    {
        var errors = ConfigText.Errors("""
            flowbalance {
              listen = ["https://0.0.0.0:443"]
              tls { acme { email = "not-an-address", hosts = ["a.test"] } }
              services = [{ hostname = "a.test", backends = ["http://127.0.0.1:1"] }]
            }
            """);
        var wildcard = ConfigText.Errors("""
            flowbalance {
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443"]
              tls { acme { hosts = ["*.a.test"], directory = "http://acme.internal/dir" } }
              services = [{ hostname = "a.test", backends = ["http://127.0.0.1:1"] }]
            }
            """);
        var options = ConfigText.Load("""
            flowbalance {
              listen = ["http://0.0.0.0:80", "https://0.0.0.0:443"]
              tls { acme { email = "ops@example.com" } }
              services = [
                { hostname = "a.test", backends = ["http://127.0.0.1:1"] }
                { hostname = "*.b.test", backends = ["http://127.0.0.1:2"] }
              ]
            }
            """);

        Assert.Contains("flowbalance.tls.acme.email (line 3): must be an email address, found 'not-an-address'", errors);
        Assert.Contains("flowbalance.tls.acme.directory (line 3): must be the https:// URL of an ACME directory, found 'http://acme.internal/dir'", wildcard);
        var acme = options.Tls.Acme!;
        Assert.Equal(AcmeOptions.LetsEncrypt, acme.Directory);
        Assert.Equal(["a.test"], acme.HostsFor(options.Services)); // from_services: wildcards need DNS-01
        Assert.EndsWith(Path.Combine("state", "certificates"), acme.Storage);
        Assert.Equal(TimeSpan.FromDays(30), acme.RenewBefore);
    }

    [Fact]
    public void Backend_protocol_and_tls_keys_apply_per_service_and_per_backend()
    {
        var ca = Pem("ca", DateTimeOffset.UtcNow.AddDays(30), "ca.test").Cert; // any PEM certificate will do as a CA file
        var notPem = Path.Combine(_folder, "not-a-ca.pem");
        File.WriteAllText(notPem, "hello");
        var options = ConfigText.Load($$"""
            flowbalance {
              protocol = h2c
              services = [{
                hostname = "a.test"
                ca_file = "{{ca}}"
                sni = "origin.internal"
                backends = ["https://127.0.0.1:1", { url = "https://127.0.0.1:2", protocol = http1, tls_verify = false }]
              }]
            }
            """);
        var errors = ConfigText.Errors($$"""
            flowbalance {
              services = [{ hostname = "a.test", client_cert = "/nonexistent/client.pem", backends = [{ url = "https://127.0.0.1:1", protocol = h3, ca_file = "{{notPem}}" }] }]
            }
            """);

        var (first, second) = (options.Services[0].Backends[0].Upstream, options.Services[0].Backends[1].Upstream);
        Assert.Equal(new UpstreamOptions("h2c", true, ca, "origin.internal", null, null), first);
        Assert.Equal(new UpstreamOptions("http1", false, ca, "origin.internal", null, null), second);
        Assert.Contains("flowbalance.services[0].client_cert (line 2): file not found: /nonexistent/client.pem", errors);
        Assert.Contains("flowbalance.services[0].backends[0].protocol (line 2): must be one of auto, http1, h2, h2c, found 'h3'", errors);
        Assert.Contains($"flowbalance.services[0].backends[0].ca_file (line 2): {notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", errors);
    }

    /// <summary>A self-signed server certificate for <paramref name="names"/> and its key, as PEM files.</summary>
    private (string Cert, string Key) Pem(string name, DateTimeOffset notAfter, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in names) san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(notAfter.AddDays(-60), notAfter);
        var (certPath, keyPath) = (Path.Combine(_folder, name + ".crt"), Path.Combine(_folder, name + ".key"));
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
