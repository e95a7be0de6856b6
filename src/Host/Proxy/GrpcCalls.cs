using System.Globalization;
using Microsoft.AspNetCore.Http.Features;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// What the proxy does differently for gRPC (<c>content-type: application/grpc…</c>): its own errors
/// are gRPC statuses a client library understands (a trailers-only response, HTTP 200 with
/// <c>grpc-status</c>), not plain-text 5xx bodies it reports as "Bad gRPC response"; and
/// <c>grpc-timeout</c> bounds the request's deadline.
/// </summary>
public static class GrpcCalls
{
    public const int Unimplemented = 12, Internal = 13, Unavailable = 14, DeadlineExceeded = 4, PermissionDenied = 7;

    public static bool Is(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>The balancer's own error as a gRPC status (HTTP status → gRPC code as the gRPC spec maps them).</summary>
    public static Task Reject(HttpContext context, int httpStatus, string message)
    {
        var code = httpStatus switch
        {
            StatusCodes.Status404NotFound => Unimplemented,
            StatusCodes.Status400BadRequest => Internal,
            StatusCodes.Status403Forbidden => PermissionDenied, // ip_allow / ip_deny; a 429 is UNAVAILABLE, as the spec maps it
            StatusCodes.Status504GatewayTimeout => DeadlineExceeded,
            _ => Unavailable,
        };
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = code.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message.TrimEnd('\n'));
        return Task.CompletedTask;
    }

    /// <summary>
    /// <c>grpc-timeout</c> ("100m", "5S": at most 8 digits and a unit H, M, S, m, u, n), or null when absent
    /// or malformed (then the service's request timeout alone applies).
    /// </summary>
    public static TimeSpan? Timeout(HttpRequest request)
    {
        var text = request.Headers["grpc-timeout"].ToString().AsSpan().Trim();
        if (text.Length is < 2 or > 9 || !long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        return text[^1] switch
        {
            'H' => TimeSpan.FromHours(value),
            'M' => TimeSpan.FromMinutes(value),
            'S' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMilliseconds(value),
            'u' => TimeSpan.FromMicroseconds(value),
            'n' => TimeSpan.FromTicks(value / 100),
            _ => null,
        };
    }

    /// <summary>
    /// For a gRPC call whose backend fails after the response started: YARP would reset the client's
    /// stream (which gRPC clients report as CANCELLED or INTERNAL, never retried); instead the stream
    /// ends with <c>grpc-status: 14</c> (UNAVAILABLE), what Envoy and gRPC's own proxies answer. A client
    /// that went away is still reset. Set per gRPC request only (one small object).
    /// </summary>
    public sealed class UnavailableOnReset(HttpContext context, IHttpResetFeature inner) : IHttpResetFeature
    {
        public void Reset(int errorCode)
        {
            var response = context.Response;
            if (context.RequestAborted.IsCancellationRequested || !response.HasStarted || !response.SupportsTrailers())
            {
                inner.Reset(errorCode);
                return;
            }
            response.AppendTrailer("grpc-status", "14");
            response.AppendTrailer("grpc-message", Uri.EscapeDataString("the backend's connection failed during the call"));
        }
    }
}
