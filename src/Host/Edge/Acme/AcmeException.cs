using System.Net;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// An ACME server's RFC 7807 problem (or a protocol step that went wrong): <see cref="Type"/> such as
/// <c>urn:ietf:params:acme:error:rateLimited</c>, the server's <c>detail</c> as the message, and the
/// Retry-After the server asked for, if any.
/// </summary>
public sealed class AcmeException(string? type, string detail, HttpStatusCode? status = null, TimeSpan? retryAfter = null)
    : Exception(detail)
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";
    public const string AccountDoesNotExist = "urn:ietf:params:acme:error:accountDoesNotExist";
    public const string RateLimited = "urn:ietf:params:acme:error:rateLimited";

    public string? Type { get; } = type;

    public string Detail => Message;

    public HttpStatusCode? Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
