using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// Checks listen addresses before Kestrel binds them: every address Kestrel would refuse with an
/// exception (port 99999, https:// without a certificate, localhost:0, "1.2.3") or bind where the
/// operator did not mean (256.0.0.1 binds every interface) is a config error instead.
/// </summary>
internal static partial class ListenUrls
{
    public static string? Problem(string listen)
    {
        var urls = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) return Usage(listen);
        foreach (var url in urls)
        {
            if (ProblemOf(url) is { } problem) return problem;
        }
        return null;
    }

    /// <summary>Why <paramref name="url"/> (one address) is not usable, or null.</summary>
    public static string? ProblemOf(string url)
    {
        var shown = UrlText.Redact(url);
        var match = Shape().Match(url);
        if (!match.Success) return Usage(shown);
        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        if (scheme is not ("http" or "https")) return Usage(shown);
        if (match.Groups["user"].Success) return $"a listen address has no user or password, found '{shown}'";
        var host = match.Groups["host"].Value;
        if (HostProblem(host) is { } problem) return $"{problem} in '{shown}'";
        if (match.Groups["port"].Success)
        {
            var port = match.Groups["port"].Value;
            if (port.Length == 0 || !port.All(char.IsAsciiDigit)) return $"port '{port}' is not a number in '{shown}'";
            if (port.TrimStart('0').Length > 5 || int.Parse(port) > IPEndPoint.MaxPort) return $"port {port} is out of range (0-65535) in '{shown}'";
            if (int.Parse(port) == 0 && host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return $"port 0 (any free port) needs an IP address such as 127.0.0.1, not localhost, in '{shown}'";
            }
        }
        var path = match.Groups["path"].Value;
        return path is "" or "/" ? null : $"a listen address has no path, found '{shown}'";
    }

    private static string? HostProblem(string host)
    {
        if (host.Length == 0) return "no host";
        if (host is "*" or "+" || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return null;
        if (host.StartsWith('['))
        {
            return IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? null
                : $"'{host}' is not an IPv6 address";
        }
        if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            // IPAddress.TryParse reads "1.2.3" as 1.2.0.3, and Kestrel binds every interface for what it cannot parse.
            var parts = host.Split('.');
            return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && int.Parse(p) <= 255) ? null : $"'{host}' is not an IPv4 address";
        }
        var labels = host.Split('.');
        return host.Length <= 253 && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-')
            ? null
            : $"'{host}' is not a host name or IP address";
    }

    private static string Usage(string found) => $"must be a URL such as http://0.0.0.0:8080 or https://0.0.0.0:443, found '{found}'";

    /// <summary>The host part (brackets of an IPv6 address removed) and port of a checked URL; the port defaults to 80/443.</summary>
    public static (string Host, int Port) HostAndPort(string url)
    {
        var match = Shape().Match(url);
        var host = match.Groups["host"].Value.Trim('[', ']');
        var https = match.Groups["scheme"].Value.Equals("https", StringComparison.OrdinalIgnoreCase);
        return (host, match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value) : https ? 443 : 80);
    }

    /// <summary>Why <paramref name="protocols"/> does not fit the listener's scheme, or null.</summary>
    public static string? ProtocolsProblem(string url, string protocols)
    {
        var https = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        return (https, protocols) switch
        {
            (true, ListenEndpoint.H2c) => $"h2c is cleartext HTTP/2 and needs an http:// listener; on '{UrlText.Redact(url)}' HTTP/2 is negotiated by ALPN (protocols = \"h2\" for HTTP/2 only)",
            (false, ListenEndpoint.H2) => $"HTTP/2 without TLS is h2c: protocols = \"h2c\" on '{UrlText.Redact(url)}'",
            _ => null,
        };
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?:(?<user>[^@/]*)@)?(?<host>\[[^\]/]*\]|[^:/\[\]@]*)(?::(?<port>[^/]*))?(?<path>/.*)?$")]
    private static partial Regex Shape();
}
