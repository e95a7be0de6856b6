namespace FlowBalance.Actors.Configuration;

/// <summary>
/// One listener: <c>"http://0.0.0.0:8080"</c> or <c>{ url = "http://0.0.0.0:8081", protocols = "h2c" }</c>.
/// <see cref="Protocols"/>: <c>auto</c> is HTTP/1.1 on http:// and HTTP/1.1 + HTTP/2 (ALPN) on https://;
/// <c>http1</c> HTTP/1.1 only; <c>h2</c> HTTP/2 only over TLS; <c>h2c</c> cleartext HTTP/2 with prior
/// knowledge (Kestrel cannot serve HTTP/1.1 and h2c on one cleartext port, so h2c has its own).
/// </summary>
public sealed record ListenEndpoint(string Url, string Protocols = ListenEndpoint.Auto)
{
    public const string Auto = "auto", Http1 = "http1", H2 = "h2", H2c = "h2c";

    public static readonly string[] AllProtocols = [Auto, Http1, H2, H2c];

    public bool Https => Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address part: an IP address, <c>localhost</c>, or anything else (a name, <c>*</c>, <c>+</c>) for every interface.</summary>
    public string Host => ListenUrls.HostAndPort(Url).Host;

    public int Port => ListenUrls.HostAndPort(Url).Port;

    /// <summary>What the banner shows after the address.</summary>
    public string Describe() => (Https, Protocols) switch
    {
        (true, Auto) => "HTTP/1.1 + HTTP/2",
        (_, Http1) or (false, Auto) => "HTTP/1.1",
        (_, H2) => "HTTP/2",
        _ => "h2c",
    };

    public override string ToString() => Protocols == Auto ? Url : $"{Url} ({Protocols})";
}
