using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Headers a backend's response names in <c>Connection</c> are hop-by-hop (RFC 9110 7.6.1) and end at
/// the balancer. YARP already drops the fixed ones (Connection, Keep-Alive, Proxy-Connection, TE, Trailer,
/// Transfer-Encoding, Upgrade outside an upgrade) but copies the ones a response names itself. Never
/// removed that way: <c>Upgrade</c> (a WebSocket handshake needs it) and <c>Content-*</c> (the body's
/// framing is the forwarder's). A response without <c>Connection</c> (every HTTP/2 one, most HTTP/1.1
/// ones) costs one header lookup; one with only close/keep-alive a pass over its value, no allocation.
/// (The request side cannot be done here: Kestrel hands the application only the close/keep-alive/upgrade
/// options of a request's Connection header, not the header names it lists.)
/// </summary>
public static class ConnectionHeaders
{
    public static void StripResponse(HttpResponseMessage proxyResponse, IHeaderDictionary response)
    {
        if (!proxyResponse.Headers.NonValidated.TryGetValues("Connection", out var connection)) return;
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                if (Named(value.AsSpan()[range]) is { } name) response.Remove(name);
            }
        }
    }

    /// <summary>The header a Connection token names, or null for the standard options and what must stay.</summary>
    private static string? Named(ReadOnlySpan<char> token)
    {
        token = token.Trim();
        if (token.IsEmpty || token.Equals("close", StringComparison.OrdinalIgnoreCase) || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
            || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase) || token.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return token.ToString();
    }
}
