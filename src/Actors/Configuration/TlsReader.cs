using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Reads <c>tls { }</c> and checks what would fail at the first handshake: every certificate file is
/// loaded now (missing, unreadable, key not matching, not a server certificate), a listed host the
/// certificate does not cover, a <c>default</c> no certificate has; an expired one is a warning.
/// </summary>
internal static class TlsReader
{
    public static readonly string[] Keys = ["certificates", "default", "min_version", "acme"];
    public static readonly string[] CertificateKeys = ["hosts", "cert", "key"];
    public static readonly string[] AcmeKeys = ["email", "directory", "hosts", "storage", "ca_file", "renew_before"];

    public static TlsOptions Read(ConfigNode? section, string baseDirectory, string stateDirectory, ConfigErrors errors)
    {
        if (section is not { } node) return TlsOptions.None;
        if (!node.IsObject) return node.Fail<TlsOptions>("expected an object { certificates = [{ hosts, cert, key }], acme { email } }") ?? TlsOptions.None;
        ConfigKeys.CheckUnknown(node, Keys);
        var certificates = new List<(CertificateFileOptions Options, PemCertificate? Loaded)>();
        if (node.Child("certificates") is { } list)
        {
            if (!list.IsArray) list.Errors.Add(list.Path, "expected a list [{ hosts = [\"api.example.com\"], cert = \"fullchain.pem\", key = \"privkey.pem\" }]");
            foreach (var element in list.Elements())
            {
                if (ReadCertificate(element, baseDirectory, errors) is { } read) certificates.Add(read);
            }
        }
        var acme = node.Child("acme") is { } a ? ReadAcme(a, stateDirectory, baseDirectory) : null;
        var defaultHost = node.Child("default")?.String();
        if (defaultHost is not null && !certificates.Any(c => c.Options.Hosts.Any(h => PemCertificate.Matches(h, defaultHost)))
            && acme?.Hosts.Contains(defaultHost, StringComparer.OrdinalIgnoreCase) != true && acme?.FromServices != true)
        {
            errors.Add($"{node.Path}.default", $"no certificate covers '{defaultHost}' (hosts: {string.Join(", ", certificates.SelectMany(c => c.Options.Hosts).DefaultIfEmpty("none"))})");
        }
        var minVersion = node.Child("min_version")?.OneOf(TlsOptions.Versions) ?? "1.2";
        return new TlsOptions([.. certificates.Select(c => c.Options)], defaultHost, minVersion, acme);
    }

    private static (CertificateFileOptions, PemCertificate?)? ReadCertificate(ConfigNode element, string baseDirectory, ConfigErrors errors)
    {
        if (!element.IsObject)
        {
            errors.Add(element.Path, "expected { hosts = [\"api.example.com\"], cert = \"fullchain.pem\", key = \"privkey.pem\" }");
            return null;
        }
        ConfigKeys.CheckUnknown(element, CertificateKeys);
        var cert = element.Child("cert") is { } c ? c.FullPath(baseDirectory) : Missing(element, "cert", "the certificate file (PEM, leaf first, then its intermediates)");
        var key = element.Child("key") is { } k ? k.FullPath(baseDirectory) : Missing(element, "key", "the private key file (PEM)");
        var hosts = element.Child("hosts") is { } h ? ReadHosts(h) : null;
        if (cert is null || key is null) return null;
        PemCertificate loaded;
        try
        {
            loaded = PemCertificate.Load(cert, key);
        }
        catch (CertificateFileException e)
        {
            errors.Add($"{element.Path}.{(e.AboutKey ? "key" : "cert")}", e.Message);
            return null;
        }
        var names = hosts ?? loaded.DnsNames;
        if (names.IsEmpty) errors.Add($"{element.Path}.hosts", $"{cert} has no DNS names; list the hosts it serves");
        foreach (var host in names.Where(host => !loaded.Covers(host)))
        {
            errors.Add($"{element.Path}.hosts", $"'{host}' is not a name of the certificate in {cert} (its names: {string.Join(", ", loaded.DnsNames.DefaultIfEmpty("none"))})");
        }
        if (loaded.NotAfter < DateTimeOffset.UtcNow)
        {
            errors.Warn($"{element.Path}.cert: the certificate in {cert} expired on {loaded.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC; clients will refuse it");
        }
        return (new CertificateFileOptions(names, cert, key), loaded);
    }

    private static ImmutableArray<string>? ReadHosts(ConfigNode node)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<string>>("expected a list of host names such as [\"api.example.com\", \"*.example.com\"]");
        var hosts = node.Elements().Select(e => e.String()?.ToLowerInvariant()).ToList();
        return hosts.All(h => h is not null) ? [.. hosts!] : null;
    }

    private static AcmeOptions? ReadAcme(ConfigNode node, string stateDirectory, string baseDirectory)
    {
        if (!node.IsObject) return node.Fail<AcmeOptions>("expected an object { email = \"ops@example.com\", hosts = \"from_services\" }");
        ConfigKeys.CheckUnknown(node, AcmeKeys);
        var directory = AcmeOptions.LetsEncrypt;
        if (node.Child("directory") is { } d && d.String() is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "https") return d.Fail<AcmeOptions>($"must be the https:// URL of an ACME directory, found '{text}'");
            directory = uri;
        }
        var email = node.Child("email")?.String();
        if (email is not null && (!email.Contains('@') || email.Contains(' '))) return node.Child("email")!.Value.Fail<AcmeOptions>($"must be an email address, found '{email}'");
        var fromServices = true;
        ImmutableArray<string> hosts = [];
        if (node.Child("hosts") is { } h)
        {
            if (h.IsArray)
            {
                if (ReadHosts(h) is not { } listed) return null;
                if (listed.FirstOrDefault(x => x.StartsWith("*.", StringComparison.Ordinal)) is { } wildcard)
                {
                    return h.Fail<AcmeOptions>($"'{wildcard}': wildcard certificates need the DNS-01 challenge, which FlowBalance does not do; list the names, or give a certificate file");
                }
                (hosts, fromServices) = (listed, false);
            }
            else if (h.String() is not "from_services") return h.Fail<AcmeOptions>("must be a list of host names or \"from_services\"");
        }
        var storage = node.Child("storage")?.FullPath(baseDirectory) ?? Path.Combine(stateDirectory, "certificates");
        var caFile = node.Child("ca_file") is { } ca ? UpstreamReader.CaFile(ca, baseDirectory) : null;
        if (node.Child("ca_file") is not null && caFile is null) return null;
        var renew = node.Child("renew_before")?.Duration(TimeSpan.FromDays(1), TimeSpan.FromHours(1), TimeSpan.FromDays(3650)) ?? AcmeOptions.DefaultRenewBefore;
        return new AcmeOptions(email, directory, hosts, fromServices, storage, caFile, renew);
    }

    private static string? Missing(ConfigNode element, string key, string what)
    {
        element.Errors.Add(element.Path, $"needs {key}: {what}");
        return null;
    }
}
