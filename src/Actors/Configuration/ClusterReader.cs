using System.Collections.Immutable;
using System.Globalization;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Reads <c>cluster { }</c>. With <c>enabled = true</c> every node needs seeds, an address the others can reach
/// (<c>public_address</c>, when <c>bind</c> is every interface) and the shared certificate (<c>tls</c>): remoting
/// is never open to strangers.
/// </summary>
internal static class ClusterReader
{
    public static readonly string[] Keys = ["enabled", "region", "node_name", "bind", "public_address", "seeds", "tls", "stable_after"];
    private static readonly string[] TlsKeys = ["certificate", "key"];

    public static ClusterOptions Read(ConfigNode? section, string baseDirectory)
    {
        var defaults = ClusterOptions.Disabled;
        if (section is not { } node) return defaults;
        if (!node.IsObject) return node.Fail<ClusterOptions>("expected an object { enabled = true, region = \"eu-west\", seeds = [\"10.0.0.5:4053\"] }") ?? defaults;
        ConfigKeys.CheckUnknown(node, Keys);
        var enabled = node.Child("enabled")?.Bool() ?? false;
        var region = node.Child("region") is { } r ? Name(r, "a region such as \"eu-west\"") ?? defaults.Region : defaults.Region;
        var name = node.Child("node_name") is { } n ? Name(n, "a node name such as \"lb-eu-1\"") ?? defaults.NodeName : Sanitized(Environment.MachineName);
        var bind = node.Child("bind") is { } b ? Address(b) ?? defaults.Bind : defaults.Bind;
        var publicAddress = node.Child("public_address") is { } p ? Address(p) : null;
        var seeds = ImmutableArray.CreateBuilder<ClusterAddress>();
        if (node.Child("seeds") is { } list)
        {
            if (!list.IsArray) list.Errors.Add(list.Path, "expected a list of host:port pairs such as [\"10.0.0.5:4053\", \"10.0.0.6:4053\"]");
            foreach (var element in list.Elements())
            {
                if (Address(element) is { } seed) seeds.Add(seed);
            }
        }
        string? certificate = null, key = null;
        if (node.Child("tls") is { } tls)
        {
            if (!tls.IsObject) tls.Errors.Add(tls.Path, "expected an object { certificate = \"cluster.pem\", key = \"cluster.key\" }");
            else
            {
                ConfigKeys.CheckUnknown(tls, TlsKeys);
                foreach (var missing in TlsKeys.Where(k => tls.Child(k) is null)) tls.Errors.Add($"{tls.Path}.{missing}", $"is required: the PEM {(missing == "key" ? "private key" : "certificate")} file every node shares");
                certificate = tls.Child("certificate") is { } c ? ExistingFile(c, baseDirectory) : null;
                key = tls.Child("key") is { } k ? ExistingFile(k, baseDirectory) : null;
                if (certificate is not null && key is not null)
                {
                    // Read as startup will: a key that does not match the certificate is found here, with its key and line.
                    try
                    {
                        PemCertificate.Load(certificate, key).Leaf.Dispose();
                    }
                    catch (CertificateFileException e)
                    {
                        tls.Errors.Add($"{tls.Path}.{(e.AboutKey ? "key" : "certificate")}", e.Message);
                        (certificate, key) = (null, null);
                    }
                }
            }
        }
        var stableAfter = node.Child("stable_after")?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)) ?? TimeSpan.FromSeconds(20);
        if (enabled)
        {
            if (seeds.Count == 0) node.Errors.Add($"{node.Path}.seeds", "is required with enabled = true: the host:port of one or more nodes to join, the same ordered list on every node (the first one forms a new cluster)");
            if (publicAddress is null && bind.IsWildcard) node.Errors.Add($"{node.Path}.public_address", $"is required when bind is {bind.Host} (every interface): the host:port the other nodes reach this one at, such as \"10.0.0.5:{bind.Port}\"");
            if (node.Child("tls") is null)
            {
                node.Errors.Add($"{node.Path}.tls", "is required with enabled = true: the certificate and key every node shares, so no stranger can join (make one with: openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=flowbalance-cluster -keyout cluster.key -out cluster.pem, and copy both files to every node)");
            }
        }
        return new ClusterOptions(enabled, region, name, bind, publicAddress ?? bind, seeds.ToImmutable())
        {
            Certificate = certificate,
            CertificateKey = key,
            StableAfter = stableAfter,
        };
    }

    /// <summary>Cluster roles are written unquoted into Akka's configuration: lower-case letters, digits and '-'.</summary>
    private static string? Name(ConfigNode node, string what)
    {
        var text = node.String();
        if (text is null) return null;
        return text.Length is > 0 and <= 63 && text.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && text[0] != '-'
            ? text
            : node.Fail<string>($"must be {what}: lower-case letters, digits and '-', found '{text}'");
    }

    private static string Sanitized(string machine)
    {
        var name = new string(machine.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray()).Trim('-');
        return name.Length == 0 ? "node" : name[..Math.Min(63, name.Length)];
    }

    /// <summary><c>"10.0.0.5:4053"</c>, <c>"lb-eu-1.example.com:4053"</c>, <c>"[2001:db8::5]:4053"</c>; a bare host takes port 4053.</summary>
    private static ClusterAddress? Address(ConfigNode node)
    {
        var text = node.String();
        if (text is null) return null;
        string host;
        var port = ClusterOptions.DefaultPort;
        if (text.StartsWith('[') && text.IndexOf(']') is > 1 and var close)
        {
            host = text[1..close];
            if (close + 1 < text.Length && (text[close + 1] != ':' || !int.TryParse(text[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))) host = "";
        }
        else if (text.Split(':') is [var h, var p])
        {
            host = int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) ? h : "";
        }
        else host = text.Contains(':') ? "" : text;
        var valid = host.Length > 0 && port is > 0 and < 65536 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':');
        return valid ? new ClusterAddress(host, port) : node.FailStruct<ClusterAddress>($"must be host:port such as \"10.0.0.5:4053\", found '{text}'");
    }

    private static string? ExistingFile(ConfigNode node, string baseDirectory)
    {
        var path = node.FullPath(baseDirectory);
        return path is null || File.Exists(path) ? path : node.Fail<string>($"no such file: {path}");
    }
}
