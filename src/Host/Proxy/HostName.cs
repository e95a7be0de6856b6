namespace FlowBalance.Host.Proxy;

/// <summary>The host part of a Host header, without allocating.</summary>
public static class HostName
{
    /// <summary><c>example.com:8080</c> → <c>example.com</c>; <c>[::1]:80</c> → <c>::1</c>.</summary>
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> host)
    {
        if (host.StartsWith("["))
        {
            var close = host.IndexOf(']');
            return close > 0 ? host[1..close] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 ? host[..colon] : host;
    }
}
