using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Where a client's region comes from (<c>geo { country_header, database }</c>) and which peers may
/// name the client in X-Forwarded-For (<c>trusted_proxies</c>).
/// </summary>
public sealed record GeoOptions(string CountryHeader, string? Database, ImmutableArray<IPNetwork> TrustedProxies)
{
    public static readonly GeoOptions Default = new("CF-IPCountry", null, []);
}
