using System.Globalization;

namespace FlowBalance.Host.Observability;

/// <summary>The query parameters the admin list endpoints share; each failure is the 400's detail.</summary>
public static class AdminQuery
{
    /// <summary><c>since</c>: an RFC 3339 time, or absent.</summary>
    public static bool TrySince(IQueryCollection query, out DateTimeOffset? since, out string? problem)
    {
        since = null;
        problem = null;
        if (query["since"].ToString() is not { Length: > 0 } text) return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            since = parsed;
            return true;
        }
        problem = $"since: expected an RFC 3339 time such as 2026-12-01T07:36:29Z, found '{text}'";
        return false;
    }

    /// <summary><c>limit</c>: 1 to <paramref name="max"/>, default <paramref name="fallback"/>.</summary>
    public static bool TryLimit(IQueryCollection query, int max, int fallback, out int limit, out string? problem)
    {
        limit = fallback;
        problem = null;
        if (query["limit"].ToString() is not { Length: > 0 } text) return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit >= 1 && limit <= max) return true;
        problem = $"limit: expected a number from 1 to {max}, found '{text}'";
        return false;
    }
}
