using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Configuration;

/// <summary>Reads <c>geo { country_header, database }</c> and <c>trusted_proxies</c>.</summary>
internal static class GeoReader
{
    public static GeoOptions Read(ConfigNode? geo, ConfigNode? trusted, string baseDirectory)
    {
        var header = GeoOptions.Default.CountryHeader;
        string? database = null;
        if (geo is { } g)
        {
            if (!g.IsObject)
            {
                g.Errors.Add(g.Path, "expected an object { country_header, database }");
            }
            else
            {
                ConfigKeys.CheckUnknown(g, ConfigKeys.Geo);
                header = g.Child("country_header")?.Token() ?? header;
                database = g.Child("database") is { } d ? ReadDatabase(d, baseDirectory) : null;
            }
        }
        var proxies = trusted is { } t ? ReadNetworks(t) : [];
        return new GeoOptions(header, database, proxies);
    }

    private static string? ReadDatabase(ConfigNode node, string baseDirectory)
    {
        var path = node.FullPath(baseDirectory);
        if (path is null) return null;
        return File.Exists(path) ? path : node.Fail<string>($"no MaxMind database at {path} (a GeoIP2/GeoLite2 Country .mmdb file)");
    }

    public static ImmutableArray<IPNetwork> ReadNetworks(ConfigNode node)
    {
        if (!node.IsArray) return node.FailStruct<ImmutableArray<IPNetwork>>("expected a list of addresses or CIDR ranges such as [\"10.0.0.0/8\"]") ?? [];
        var networks = ImmutableArray.CreateBuilder<IPNetwork>();
        foreach (var element in node.Elements())
        {
            var text = element.String();
            if (text is null) continue;
            if (IPNetwork.TryParse(text, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(text, out var address)) networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else element.Errors.Add(element.Path, $"expected an IP address or CIDR range such as \"10.0.0.0/8\", found '{text}'");
        }
        return networks.ToImmutable();
    }
}
