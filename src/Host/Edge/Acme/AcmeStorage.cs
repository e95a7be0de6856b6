using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// ACME state on disk: <c>account.key</c> (PKCS#8 PEM, 0600), <c>account.json</c> (the account URL
/// and the directory it belongs to) and, per certificate named after its first host,
/// <c>{name}.crt</c> (full chain PEM) and <c>{name}.key</c> (0600). Every file is written to a
/// temporary name and renamed into place, the key before the certificate, so a watcher on
/// <c>*.crt</c> never reads a half-written file or a certificate without its key.
/// </summary>
public sealed class AcmeStorage(string folder)
{
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public string Folder { get; } = Path.GetFullPath(folder);

    public string AccountKeyPath => Path.Combine(Folder, "account.key");

    private string AccountPath => Path.Combine(Folder, "account.json");

    public string CertificatePath(IReadOnlyList<string> hosts) => Path.Combine(Folder, NameOf(hosts) + ".crt");

    public string KeyPath(IReadOnlyList<string> hosts) => Path.Combine(Folder, NameOf(hosts) + ".key");

    /// <summary>The stored P-256 account key, or a new one (stored before it is returned).</summary>
    public ECDsa LoadOrCreateAccountKey()
    {
        var key = ECDsa.Create();
        if (File.Exists(AccountKeyPath))
        {
            key.ImportFromPem(File.ReadAllText(AccountKeyPath));
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        Write(AccountKeyPath, key.ExportPkcs8PrivateKeyPem(), Secret);
        return key;
    }

    /// <summary>The account URL stored for <paramref name="directory"/>; null if none, or if it belongs to another ACME server.</summary>
    public Uri? LoadAccountUrl(Uri directory)
    {
        if (!File.Exists(AccountPath)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(AccountPath));
            return json.RootElement.GetProperty("directory").GetString() == directory.AbsoluteUri
                ? new Uri(json.RootElement.GetProperty("account").GetString()!)
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            return null; // unreadable: newAccount with the same key finds the account again
        }
    }

    public void SaveAccountUrl(Uri directory, Uri account) =>
        Write(AccountPath, JsonSerializer.Serialize(new { directory = directory.AbsoluteUri, account = account.AbsoluteUri }), Public);

    /// <summary>Writes the key, then the chain; returns the certificate's path.</summary>
    public string Save(IssuedCertificate certificate)
    {
        using var ecdsa = certificate.Leaf.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? certificate.Leaf.GetRSAPrivateKey() : null;
        var key = ecdsa?.ExportPkcs8PrivateKeyPem() ?? rsa?.ExportPkcs8PrivateKeyPem()
            ?? throw new ArgumentException("the certificate has no private key", nameof(certificate));
        var chain = new StringBuilder(certificate.Leaf.ExportCertificatePem()).Append('\n');
        foreach (var intermediate in certificate.Intermediates) chain.Append(intermediate.ExportCertificatePem()).Append('\n');
        Write(KeyPath(certificate.Hosts), key, Secret);
        var path = CertificatePath(certificate.Hosts);
        Write(path, chain.ToString(), Public);
        return path;
    }

    /// <summary>The stored certificate named after <paramref name="hosts"/>' first, if it is readable and covers all of them.</summary>
    public IssuedCertificate? TryLoad(IReadOnlyList<string> hosts)
    {
        string crt = CertificatePath(hosts), key = KeyPath(hosts);
        if (!File.Exists(crt) || !File.Exists(key)) return null;
        try
        {
            var leaf = X509Certificate2.CreateFromPemFile(crt, key);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(crt);
            all[0].Dispose(); // the leaf again, without its key
            var stored = new IssuedCertificate(hosts, leaf, new X509Certificate2Collection(all.Skip(1).ToArray()));
            if (stored.Covers(hosts)) return stored;
            leaf.Dispose();
            return null;
        }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            return null; // unreadable: the manager orders a new one, which replaces it
        }
    }

    private static string NameOf(IReadOnlyList<string> hosts)
    {
        var name = hosts.Count > 0 ? hosts[0].ToLowerInvariant() : throw new ArgumentException("no hosts", nameof(hosts));
        // A host name is the file name: nothing that could leave the folder or hide the file.
        if (name.Length == 0 || name[0] == '.' || name.IndexOfAny(['/', '\\', '\0']) >= 0) throw new ArgumentException($"'{hosts[0]}' cannot name a certificate file", nameof(hosts));
        return name;
    }

    private void Write(string path, string text, UnixFileMode mode)
    {
        if (!Directory.Exists(Folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Folder);
            else Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = Path.Combine(Folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode; // set at creation: a key is never readable by others, not even briefly
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // only left behind when the write or the rename failed
        }
    }
}
