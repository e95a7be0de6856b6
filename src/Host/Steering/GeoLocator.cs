using System.Net;
using FlowBalance.Actors.Configuration;
using MaxMind.GeoIP2;

namespace FlowBalance.Host.Steering;

/// <summary>
/// The client's country and continent: from the country header a CDN sets (default CF-IPCountry), or,
/// when <c>geo.database</c> is set, from that MaxMind GeoIP2/GeoLite2 Country database. Used for
/// routing only: a client can send the header itself unless the CDN in front overwrites it.
/// </summary>
public sealed class GeoLocator : IDisposable
{
    private readonly string _header;
    private readonly DatabaseReader? _database;

    public GeoLocator(GeoOptions options)
    {
        _header = options.CountryHeader;
        // Memory-mapped: lookups are lock-free reads, and the OS shares the pages.
        _database = options.Database is { } path ? new DatabaseReader(path, MaxMind.Db.FileAccessMode.MemoryMapped) : null;
    }

    public (string? Country, string? Continent) Locate(HttpContext context, IPAddress? client)
    {
        if (_database is not null)
        {
            if (client is null || !_database.TryCountry(client, out var found) || found is null) return (null, null);
            return (found.Country.IsoCode, found.Continent.Code);
        }
        var header = context.Request.Headers[_header];
        var country = header.Count == 1 ? header[0] : null;
        if (country is not { Length: 2 }) return (null, null);
        return Continents.Of(country) is { } continent ? (country, continent) : (null, null); // XX, T1 …: unknown
    }

    /// <summary>Why the configured database cannot be used (checked once at startup), or null.</summary>
    public static string? Problem(GeoOptions options)
    {
        if (options.Database is not { } path) return null;
        try
        {
            using var reader = new DatabaseReader(path);
            var type = reader.Metadata.DatabaseType;
            return type.Contains("Country", StringComparison.OrdinalIgnoreCase) || type.Contains("City", StringComparison.OrdinalIgnoreCase)
                ? null
                : $"{path} is a '{type}' database; geo steering needs a GeoIP2/GeoLite2 Country or City database";
        }
        catch (Exception e) when (e is MaxMind.Db.InvalidDatabaseException or IOException or UnauthorizedAccessException)
        {
            return $"cannot read the MaxMind database {path}: {e.Message}";
        }
    }

    public void Dispose() => _database?.Dispose();
}
