using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>An outside TLS checker (testssl.sh, Debian's package) agrees that the HTTPS listener is sound.</summary>
public sealed class TlsScannerTests
{
    private const string TestSsl = "/usr/bin/testssl";

    [Fact]
    public async Task Testssl_reports_no_high_or_critical_finding()
    {
        Assert.True(File.Exists(TestSsl), "testssl.sh is missing: apt-get install testssl.sh (.ci/run installs it)");
        using var folder = new TempDirectory("flowbalance-testssl");
        var root = TestCertificates.CreateCa("testssl root", days: 365);
        // A certificate like a public CA's (90 days, a CRL distribution point), so that what is judged is the listener, not a test certificate.
        var leaf = ServerCertificate(root, "scan.test");
        var (cert, key) = TestCertificates.WritePem(folder.Path, "scan", leaf);
        var rootFile = Path.Combine(folder.Path, "root.pem");
        await File.WriteAllTextAsync(rootFile, root.ExportCertificatePem());
        await using var backend = await TestBackend.StartAsync("scanned");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync($$"""
            flowbalance {
              listen = ["http://127.0.0.1:0", "https://127.0.0.1:0"]
              tls { certificates = [{ cert = "{{cert}}", key = "{{key}}" }] }
              services = [{ hostname = "scan.test", backends = ["{{backend.Url}}"], hsts { max_age = 31536000 } }]
            }
            """);
        var port = balancer.Listener("https").Port;
        var report = Path.Combine(folder.Path, "report.json");

        // Protocols, cipher categories, forward secrecy, server defaults, vulnerabilities (renegotiation,
        // CRIME, BREACH, POODLE, SWEET32, BEAST, LUCKY13, ROBOT, ...), headers. Loopback only (--ip), no DNS lookups.
        var (_, output) = await ProcessRunner.RunAsync(TestSsl,
            ["--quiet", "--color", "0", "--warnings", "off", "--nodns", "min", "--add-ca", rootFile, "-p", "-s", "-f", "-S", "-U", "-h",
             "--jsonfile", report, "--ip", "127.0.0.1", $"scan.test:{port}"], TimeSpan.FromMinutes(4));

        Assert.True(File.Exists(report), output);
        using var findings = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var all = findings.RootElement.EnumerateArray().Select(f => (Id: f.GetProperty("id").GetString()!, Severity: f.GetProperty("severity").GetString()!, Finding: f.GetProperty("finding").GetString()!)).ToList();
        var serious = all.Where(f => f.Severity is "HIGH" or "CRITICAL").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(f => $"{f.Severity} {f.Id}: {f.Finding}")));
        foreach (var old in new[] { "SSLv2", "SSLv3", "TLS1", "TLS1_1" }) Assert.Equal("not offered", all.Single(f => f.Id == old).Finding);
        Assert.StartsWith("offered", all.Single(f => f.Id == "TLS1_3").Finding);
        Assert.Contains(all, f => f.Id == "secure_renego" && f.Finding.Contains("supported") && f.Severity == "OK");
    }

    private static X509Certificate2 ServerCertificate(X509Certificate2 root, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://127.0.0.1:9/root.crl"]));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(90), serial);
        return signed.CopyWithPrivateKey(key);
    }
}
