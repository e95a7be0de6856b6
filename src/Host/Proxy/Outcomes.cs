using System.Net.Sockets;
using FlowBalance.Actors.State;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>Maps YARP's forwarding result to what it says about the backend, and says why in words.</summary>
public static class Outcomes
{
    public static OutcomeKind Classify(ForwarderError error, Exception? exception = null) => error switch
    {
        ForwarderError.None or ForwarderError.UpgradeActivityTimeout => OutcomeKind.Response,
        ForwarderError.RequestTimedOut => OutcomeKind.Timeout,
        // The client cancelled or broke its side: never held against the backend.
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => OutcomeKind.ClientAborted,
        ForwarderError.RequestCreation => OutcomeKind.RequestRefused,
        ForwarderError.Request when RefusedBeforeSending(exception) => OutcomeKind.RequestRefused,
        _ => OutcomeKind.ConnectionError,
    };

    /// <summary>
    /// True when the HTTP client refused the request itself (a header it cannot encode, a request it
    /// cannot frame) rather than the network or the backend failing: such an exception carries no
    /// I/O error and no specific <see cref="HttpRequestError"/>.
    /// </summary>
    public static bool RefusedBeforeSending(Exception? exception)
    {
        if (exception is null) return false;
        var ioFailure = ExceptionChain.First(exception, e => e is IOException or SocketException or TimeoutException or OperationCanceledException
            or HttpRequestException { HttpRequestError: not HttpRequestError.Unknown });
        if (ioFailure is not null) return false;
        return exception is HttpRequestException { InnerException: null } or ArgumentException or FormatException or InvalidOperationException or NotSupportedException
            || exception.InnerException is ArgumentException or FormatException or InvalidOperationException or NotSupportedException;
    }

    /// <summary>
    /// True when the connection died before the backend sent anything (closed or reset): the backend
    /// is gone, like one that refuses connections, rather than answering something unusable.
    /// </summary>
    public static bool BackendGone(Exception? exception) =>
        ExceptionChain.Find<BackendClosedException>(exception) is not null
        || ExceptionChain.Find<SocketException>(exception, s => s.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown) is not null;

    /// <summary>Why an attempt failed, in a few words an operator can act on (for the one log line).</summary>
    public static string Describe(ForwarderError error, Exception? exception)
    {
        var reason = error switch
        {
            ForwarderError.RequestTimedOut => "no response within the request timeout",
            ForwarderError.RequestCreation => "the request cannot be forwarded as given",
            ForwarderError.ResponseBodyDestination => "the response body failed while streaming",
            ForwarderError.RequestBodyDestination => "the backend stopped reading the request body",
            ForwarderError.ResponseHeaders when HttpError(exception) is null => "invalid response headers",
            _ when ExceptionChain.Find<SocketException>(exception, s => s.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted) is not null => "connection reset by the backend",
            _ when ExceptionChain.Find<BackendClosedException>(exception) is not null => "connection closed by the backend after the request, before any response byte",
            _ => HttpError(exception) switch
            {
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.NameResolutionError => "name resolution failed",
                HttpRequestError.SecureConnectionError => "TLS handshake failed",
                HttpRequestError.InvalidResponse => "invalid response",
                HttpRequestError.ResponseEnded => "connection closed before a complete response",
                HttpRequestError.ConfigurationLimitExceeded => "response headers too large",
                HttpRequestError.HttpProtocolError => "HTTP protocol error",
                HttpRequestError.VersionNegotiationError => "HTTP version not supported by the backend",
                _ => error == ForwarderError.Request && RefusedBeforeSending(exception) ? "the request cannot be forwarded as given" : error.ToString(),
            },
        };
        var detail = Innermost(exception);
        return detail is null ? reason : $"{reason} ({detail})";
    }

    private static HttpRequestError? HttpError(Exception? exception) =>
        ExceptionChain.Find<HttpRequestException>(exception, h => h.HttpRequestError != HttpRequestError.Unknown)?.HttpRequestError;

    /// <summary>The most specific message: HttpClient wraps the real cause in "An error occurred while sending the request."</summary>
    private static string? Innermost(Exception? exception)
    {
        if (exception is null) return null;
        var e = exception;
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message.TrimEnd('.');
    }
}
