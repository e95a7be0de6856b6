namespace FlowBalance.Host.Proxy;

/// <summary>
/// Requests whose body length a backend could read differently from Kestrel (request smuggling), as
/// far as Kestrel lets them through. Kestrel itself answers 400 for two Content-Length headers, a
/// Content-Length that is not digits (<see cref="ContentLengthEncoding"/>) and a Transfer-Encoding whose
/// last coding is not chunked. What is left is checked here, first thing on the proxy path: an
/// ordinary request (no Transfer-Encoding) costs one read of a header Kestrel already parsed.
/// </summary>
public static class RequestFraming
{
    /// <summary>The request log's error for a request with both Content-Length and Transfer-Encoding (400).</summary>
    public const string AmbiguousLength = "ambiguous_body_length";

    /// <summary>The request log's error for a Transfer-Encoding other than plain chunked (501).</summary>
    public const string UnsupportedCoding = "unsupported_transfer_coding";

    /// <summary>
    /// Kestrel's answer to Content-Length with Transfer-Encoding: it drops Content-Length and keeps its
    /// value under this name (RFC 9112 6.3 lets a server go by Transfer-Encoding). A backend would then
    /// get both the chunked body and the old length under a new name; the request is refused instead.
    /// </summary>
    private const string MovedContentLength = "X-Content-Length";

    /// <summary>The status to refuse the request with and the request log's reason; (0, null) for an ordinary request.</summary>
    public static (int Status, string? Reason) Check(IHeaderDictionary headers)
    {
        var codings = headers.TransferEncoding;
        if (codings.Count == 0) return (0, null);
        if (headers.ContainsKey(MovedContentLength)) return (StatusCodes.Status400BadRequest, AmbiguousLength);
        // Anything but exactly "chunked" (gzip, chunked; chunked, chunked): the body would reach the backend
        // de-chunked and re-framed, its other codings dropped. nginx answers 501 as well.
        if (codings.Count == 1 && string.Equals(codings[0], "chunked", StringComparison.OrdinalIgnoreCase)) return (0, null);
        return (StatusCodes.Status501NotImplemented, UnsupportedCoding);
    }

    public static string Message(int status) => status == StatusCodes.Status400BadRequest
        ? "Bad request: Content-Length and Transfer-Encoding together\n"
        : "Not implemented: the only transfer coding accepted is chunked\n";
}
