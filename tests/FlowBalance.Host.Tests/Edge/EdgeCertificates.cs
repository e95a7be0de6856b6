using System.Security.Cryptography.X509Certificates;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>
/// A test PKI on disk: a root, an intermediate that signs the leaves (so the chain must be sent), and
/// PEM files for a.test (with *.a.test) and b.test, as certbot would lay them out.
/// </summary>
public sealed class EdgeCertificates : IDisposable
{
    private readonly TempDirectory _folder = new("flowbalance-tls");

    public EdgeCertificates()
    {
        Root = TestCertificates.CreateCa("FlowBalance edge test root");
        Intermediate = TestCertificates.CreateIntermediate(Root);
        A = Write("a", "v1", "a.test", "*.a.test", "127.0.0.1");
        B = Write("b", "v1", "b.test");
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public (string Cert, string Key) A { get; }

    public (string Cert, string Key) B { get; }

    public string Folder => _folder.Path;

    /// <summary>Issues a new leaf for <paramref name="names"/> with O=<paramref name="version"/> and writes it as <paramref name="file"/>.crt/.key.</summary>
    public (string Cert, string Key) Write(string file, string version, params string[] names) =>
        TestCertificates.WritePem(Folder, file, TestCertificates.CreateLeaf(Intermediate, version, names), Intermediate);

    /// <summary>The <c>tls</c> section serving a.test (the default) and b.test.</summary>
    public string TlsSection(string extra = "", bool withDefault = true) => $$"""
        tls {
          certificates = [
            { cert = "{{A.Cert}}", key = "{{A.Key}}" }
            { hosts = ["b.test"], cert = "{{B.Cert}}", key = "{{B.Key}}" }
          ]
          {{(withDefault ? "default = \"a.test\"" : "")}}
          {{extra}}
        }
        """;

    /// <summary>A balancer with an http and an https listener (port 0) serving these certificates, one catch-all service over <paramref name="backend"/>.</summary>
    public Task<BalancerProcess> StartBalancerAsync(TestBackend backend, bool withDefault = true) => BalancerProcess.StartOwnListenersAsync($$"""
        flowbalance {
          listen = ["http://127.0.0.1:0", "https://127.0.0.1:0"]
          {{TlsSection(withDefault: withDefault)}}
          backends = ["{{backend.Url}}"]
        }
        """);

    public void Dispose() => _folder.Dispose();
}
