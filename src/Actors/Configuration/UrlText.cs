namespace FlowBalance.Actors.Configuration;

/// <summary>URLs as they may be shown in errors and logs.</summary>
internal static class UrlText
{
    /// <summary>
    /// <paramref name="url"/> with whatever may be a user or password replaced: <c>http://***@host</c>.
    /// Everything up to the last '@' goes, so a password holding '/' or '@' is never shown either.
    /// </summary>
    public static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        if (at < 0) return url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return string.Concat(url.AsSpan(0, start), "***", url.AsSpan(at));
    }
}
