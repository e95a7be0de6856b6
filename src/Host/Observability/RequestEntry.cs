using System.Net;

namespace FlowBalance.Host.Observability;

/// <summary>
/// One request as the request log shows it: an immutable copy, made when the log is read (or for a
/// live tail), never on the request path when nobody tails.
/// </summary>
public sealed record RequestEntry(
    DateTimeOffset Time, string RequestId, IPAddress? Client, string Method, string Host, string Path, int Status,
    string? Service, string? Backend, AttemptRecord[] Attempts, double DurationMs, long? BytesIn, long? BytesOut, string? Error)
{
    /// <summary>For the combined access-log format.</summary>
    public string Protocol { get; init; } = "HTTP/1.1";

    public string? Referer { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Why attempt <paramref name="attempt"/> (0-based) went to its backend, in one line (see <see cref="ChoiceText.Describe"/>).</summary>
    public string Why(int attempt) => ChoiceText.Describe(Attempts, attempt);
}
