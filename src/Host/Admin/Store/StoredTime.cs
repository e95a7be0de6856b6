using System.Globalization;

namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// Times as the database holds them: UTC ISO 8601 text of fixed width (7 fraction digits, 'Z'), so
/// text order is time order (the expiry sweep compares strings), ticks survive the round trip, and a
/// sqlite3 shell shows them readably.
/// </summary>
internal static class StoredTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Write(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Read(string text) =>
        DateTimeOffset.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
