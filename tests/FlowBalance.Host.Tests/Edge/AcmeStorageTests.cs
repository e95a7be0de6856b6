using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowBalance.Host.Edge.Acme;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

[SupportedOSPlatform("linux")] // file modes
public sealed class AcmeStorageTests : IDisposable
{
    private static readonly string[] Hosts = ["app.test", "www.app.test"];
    private readonly TempDirectory _folder = new("flowbalance-acme-storage-");
    private readonly AcmeStorage _storage;

    public AcmeStorageTests() => _storage = new AcmeStorage(Path.Combine(_folder.Path, "acme"));

    [Fact]
    public void Save_ThenTryLoad_GivesLeafWithKeyAndIntermediates()
    {
        var path = _storage.Save(MakeCertificate(Hosts));

        var loaded = _storage.TryLoad(Hosts);

        Assert.Equal(Path.Combine(_storage.Folder, "app.test.crt"), path);
        Assert.NotNull(loaded);
        Assert.True(loaded.Leaf.HasPrivateKey);
        Assert.Equal("CN=app.test", loaded.Leaf.Subject);
        Assert.Equal("CN=test intermediate", Assert.Single(loaded.Intermediates).Subject);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.KeyPath(Hosts)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_storage.Folder));
        Assert.Equal(["app.test.crt", "app.test.key"], Directory.GetFiles(_storage.Folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void TryLoad_HostsNotAllCovered_ReturnsNull()
    {
        _storage.Save(MakeCertificate(Hosts));

        Assert.Null(_storage.TryLoad(["app.test", "api.app.test"])); // a host was added to the set: order a new one
        Assert.Null(_storage.TryLoad(["other.test"]));
        Assert.NotNull(_storage.TryLoad(["app.test"]));
    }

    [Fact]
    public void TryLoad_UnreadableFile_ReturnsNull()
    {
        _storage.Save(MakeCertificate(Hosts));
        File.WriteAllText(_storage.CertificatePath(Hosts), "-----BEGIN CERTIFICATE-----\nnot base64\n");

        Assert.Null(_storage.TryLoad(Hosts));
    }

    [Fact]
    public void Save_OverAnExistingCertificate_ReplacesIt()
    {
        _storage.Save(MakeCertificate(Hosts));
        var second = MakeCertificate(Hosts);

        _storage.Save(second);

        Assert.Equal(second.Leaf.Thumbprint, _storage.TryLoad(Hosts)?.Leaf.Thumbprint);
        Assert.Empty(Directory.GetFiles(_storage.Folder, "*.tmp"));
    }

    [Fact]
    public void LoadOrCreateAccountKey_SecondCall_ReturnsTheStoredKey()
    {
        using var created = _storage.LoadOrCreateAccountKey();
        using var loaded = _storage.LoadOrCreateAccountKey();

        Assert.Equal(new AcmeJws(created).Thumbprint, new AcmeJws(loaded).Thumbprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_storage.AccountKeyPath));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(_storage.AccountKeyPath)); // PKCS#8
    }

    [Fact]
    public void LoadAccountUrl_OtherDirectory_ReturnsNull()
    {
        var staging = new Uri("https://acme-staging.example/directory");
        _storage.SaveAccountUrl(staging, new Uri("https://acme-staging.example/acct/1"));

        Assert.Equal(new Uri("https://acme-staging.example/acct/1"), _storage.LoadAccountUrl(staging));
        Assert.Null(_storage.LoadAccountUrl(new Uri("https://acme.example/directory")));
    }

    [Fact]
    public void Save_HostThatIsNotAFileName_Throws()
    {
        Assert.Throws<ArgumentException>(() => _storage.CertificatePath(["../etc/passwd"]));
        Assert.Throws<ArgumentException>(() => _storage.CertificatePath([".hidden"]));
    }

    public void Dispose() => _folder.Dispose();

    private static IssuedCertificate MakeCertificate(string[] hosts)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test intermediate", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hosts[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts) san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        return new IssuedCertificate(hosts, leaf.CopyWithPrivateKey(key), [X509CertificateLoader.LoadCertificate(ca.RawData)]);
    }
}
