using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace FlowBalance.Actors.Health;

/// <summary>
/// The standard gRPC health check: <c>grpc.health.v1.Health/Check</c> over HTTP/2, healthy only when the
/// backend answers SERVING. A backend's wrong answer is an unhealthy result with the reason; transport
/// failures (HttpRequestException, IOException, OperationCanceledException) are left to the caller.
/// </summary>
public static class GrpcHealthCheck
{
    public const string CheckPath = "/grpc.health.v1.Health/Check";

    /// <summary>A Check reply is a few bytes; anything past this is not one, and is not buffered.</summary>
    private const int MaxReplyBytes = 16 * 1024;

    /// <param name="invoker">Any client: the request sets its own HTTP version, so an HTTP/1.1-default client works.</param>
    /// <param name="service">The service asked about; "" asks about the server as a whole.</param>
    /// <param name="timeout">Sent as <c>grpc-timeout</c>, so the backend can give up when the probe has.</param>
    public static async Task<ProbeResult> CheckAsync(HttpMessageInvoker invoker, Uri backend, string service,
        TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var target = ProbeTarget.ForGrpc(service);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(backend, CheckPath))
        {
            // Exact 2.0: prior-knowledge h2c for http://, ALPN h2 for https://; never a silent HTTP/1.1.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcHealthWire.EncodeRequest(service)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("User-Agent", "FlowBalance-HealthCheck/1");
        if (timeout is { } t) request.Headers.TryAddWithoutValidation("grpc-timeout", $"{Math.Clamp((long)Math.Ceiling(t.TotalMilliseconds), 1, 99_999_999)}m");

        // HttpClient.SendAsync would buffer the whole body first; headers-read lets the size cap apply.
        using var response = invoker is HttpClient client
            ? await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            : await invoker.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) return new(false, target, $"HTTP {(int)response.StatusCode} (not a gRPC answer)");
        if (Header(response.Headers, "grpc-status") is { } early) return FromStatus(target, early, Header(response.Headers, "grpc-message")); // trailers-only
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, target, $"content-type {contentType ?? "(none)"} (not a gRPC answer)");
        }

        var body = await ReadCappedAsync(response.Content, cancellationToken);
        if (body is null) return new(false, target, $"reply larger than {MaxReplyBytes} bytes (not a Check reply)");
        if (Header(response.TrailingHeaders, "grpc-status") is not { } status) return new(false, target, "no grpc-status trailer");
        if (status != "0") return FromStatus(target, status, Header(response.TrailingHeaders, "grpc-message"));
        if (!GrpcHealthWire.TryDecodeReply(body, out var serving, out var error)) return new(false, target, $"grpc health: {error}");
        return new(serving == GrpcHealthWire.Serving, target, $"grpc health: {GrpcHealthWire.StatusName(serving)}");
    }

    private static ProbeResult FromStatus(ProbeTarget target, string status, string? message)
    {
        if (!int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code)) return new(false, target, $"invalid grpc-status '{status}'");
        if (code == 0) return new(false, target, "grpc-status 0 without a reply message");
        var detail = string.IsNullOrEmpty(message) ? "" : $": {Uri.UnescapeDataString(message)}"; // grpc-message is percent-encoded
        return new(false, target, $"grpc-status {code} ({GrpcHealthWire.CodeName(code)}){detail}");
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The whole body (read to its end, which is when the trailers arrive), or null past the cap.</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxReplyBytes + 1); // pooled: probes run often, replies are tiny
        try
        {
            var total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(total, MaxReplyBytes + 1 - total), cancellationToken)) > 0)
            {
                total += read;
                if (total > MaxReplyBytes) return null;
            }
            return buffer[..total];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
