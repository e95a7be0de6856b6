using System.Net.Sockets;

namespace FlowBalance.Host.Proxy;

/// <summary>Pure rules of the retry loop: which requests may be re-sent, and how long to wait first.</summary>
public static class RetryRules
{
    private static readonly TimeSpan BackoffBase = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(1);

    /// <summary>Methods that may be re-sent after the backend saw them (RFC 9110 idempotent methods).</summary>
    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);

    /// <summary>Backend answers that a safe request may be retried elsewhere after.</summary>
    public static bool IsRetryableStatus(int status) => status is 502 or 503 or 504;

    /// <summary>True when the failure happened before the backend could have seen any of the request (connect failed).</summary>
    public static bool NeverReached(Exception? error) =>
        ExceptionChain.First(error, e => e
            is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
            or SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TimedOut or SocketError.HostNotFound }
            or TimeoutException // SocketsHttpHandler.ConnectTimeout
            or System.Security.Authentication.AuthenticationException) is not null; // a failed TLS handshake: no request byte was sent

    /// <summary>
    /// Wait before retry number <paramref name="retry"/> (1-based): none for an immediate failover,
    /// otherwise exponential from 25 ms, capped at 1 s, with jitter (50–100% of the step).
    /// </summary>
    public static TimeSpan Backoff(int retry, bool immediate)
    {
        if (immediate) return TimeSpan.Zero;
        var step = Math.Min(BackoffCap.Ticks, BackoffBase.Ticks << Math.Min(retry - 1, 10));
        return TimeSpan.FromTicks((long)(step * (0.5 + Random.Shared.NextDouble() * 0.5)));
    }
}
