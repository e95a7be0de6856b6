namespace FlowBalance.Host.Observability;

/// <summary>
/// The request log's filters, as the request-log API and the dashboard's browser take them: every field
/// empty or null matches all; <see cref="Backend"/> matches any attempt, <see cref="Path"/> is a prefix.
/// </summary>
public sealed record RequestFilter(
    string RequestId = "", int? Status = null, int? StatusClass = null, string Service = "", string Backend = "", string Host = "",
    string Path = "", string Method = "", double MinDurationMs = 0, DateTimeOffset? Since = null)
{
    public bool Match(RequestEntry e) =>
        (RequestId.Length == 0 || e.RequestId == RequestId)
        && (Status is null || e.Status == Status)
        && (StatusClass is null || e.Status / 100 == StatusClass)
        && (Service.Length == 0 || e.Service == Service)
        && (Backend.Length == 0 || e.Attempts.Any(a => a.Backend == Backend))
        && (Host.Length == 0 || string.Equals(e.Host, Host, StringComparison.OrdinalIgnoreCase))
        && (Path.Length == 0 || e.Path.StartsWith(Path, StringComparison.Ordinal))
        && (Method.Length == 0 || string.Equals(e.Method, Method, StringComparison.OrdinalIgnoreCase))
        && e.DurationMs >= MinDurationMs
        && (Since is null || e.Time >= Since);

    /// <summary>"503" (a code) or "5xx" (a class); false for anything else.</summary>
    public static bool TryStatus(string text, out int? code, out int? statusClass)
    {
        (code, statusClass) = (null, null);
        if (text.Length == 0) return true;
        if (text.Length == 3 && text[0] is >= '1' and <= '5' && text[1..].Equals("xx", StringComparison.OrdinalIgnoreCase)) statusClass = text[0] - '0';
        else if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) && c is >= 100 and <= 599) code = c;
        else return false;
        return true;
    }
}
