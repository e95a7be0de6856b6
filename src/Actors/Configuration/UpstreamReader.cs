namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Reads <see cref="UpstreamOptions"/> key by key (the service's value, then the top level's, then the
/// inherited one), and a backend object's own overrides. Files are checked now: a missing CA file or
/// client certificate is a config error, not a failed handshake later.
/// </summary>
internal static class UpstreamReader
{
    public static UpstreamOptions Read(ConfigNode? own, ConfigNode? defaults, UpstreamOptions inherited)
    {
        T? Get<T>(string key, Func<ConfigNode, T?> read) where T : class =>
            own?.Child(key) is { } o ? read(o) : defaults?.Child(key) is { } t ? read(t) : null;
        bool? Flag(string key) => own?.Child(key) is { } o ? o.Bool() : defaults?.Child(key) is { } t ? t.Bool() : null;
        return Build(own ?? defaults, Get, Flag, inherited);
    }

    /// <summary>A backend object's <c>protocol</c>, <c>tls_verify</c>… over the service's; the service's when it has none.</summary>
    public static UpstreamOptions ReadBackend(ConfigNode backend, UpstreamOptions inherited) =>
        Build(backend, (key, read) => backend.Child(key) is { } n ? read(n) : null, key => backend.Child(key)?.Bool(), inherited);

    private static UpstreamOptions Build(ConfigNode? anchor, Func<string, Func<ConfigNode, string?>, string?> get, Func<string, bool?> flag, UpstreamOptions d)
    {
        if (anchor is null) return d;
        var baseDirectory = anchor.Value.Errors.BaseDirectory;
        var options = new UpstreamOptions(
            Protocol: get("protocol", n => n.OneOf(UpstreamOptions.Protocols)) ?? d.Protocol,
            TlsVerify: flag("tls_verify") ?? d.TlsVerify,
            CaFile: get("ca_file", n => CaFile(n, baseDirectory)) ?? d.CaFile,
            Sni: get("sni", ReadSni) ?? d.Sni,
            ClientCert: get("client_cert", n => ExistingFile(n, baseDirectory)) ?? d.ClientCert,
            ClientKey: get("client_key", n => ExistingFile(n, baseDirectory)) ?? d.ClientKey);
        if ((options.ClientCert is null) != (options.ClientKey is null))
        {
            anchor.Value.Errors.Add($"{anchor.Value.Path}.{(options.ClientCert is null ? "client_key" : "client_cert")}",
                "client_cert and client_key go together (the certificate and its private key, PEM)");
        }
        else if (options.ClientCert is not null && options != d)
        {
            try
            {
                using var _ = PemCertificateClient(options.ClientCert, options.ClientKey!);
            }
            catch (CertificateFileException e)
            {
                anchor.Value.Errors.Add($"{anchor.Value.Path}.client_cert", e.Message);
            }
        }
        return options;
    }

    /// <summary>Loads a client certificate (no server-auth usage required).</summary>
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 PemCertificateClient(string cert, string key)
    {
        try
        {
            return System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(cert, key);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or IOException)
        {
            throw new CertificateFileException($"{cert} with {key} is not a usable client certificate and key: {e.Message}");
        }
    }

    /// <summary>A <c>ca_file</c>: it exists and holds PEM certificates.</summary>
    public static string? CaFile(ConfigNode node, string baseDirectory)
    {
        var path = ExistingFile(node, baseDirectory);
        if (path is null) return null;
        try
        {
            Health.UpstreamTls.LoadRoots(path);
            return path;
        }
        catch (CertificateFileException e)
        {
            return node.Fail<string>(e.Message);
        }
    }

    private static string? ExistingFile(ConfigNode node, string baseDirectory)
    {
        var path = node.FullPath(baseDirectory);
        return path is null || File.Exists(path) ? path : node.Fail<string>($"file not found: {path}");
    }

    private static string? ReadSni(ConfigNode node)
    {
        var text = node.String();
        return text is null || (text.Length is > 0 and <= 253 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            ? text
            : node.Fail<string>($"must be a host name, found '{text}'");
    }
}
