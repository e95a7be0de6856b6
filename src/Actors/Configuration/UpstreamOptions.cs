namespace FlowBalance.Actors.Configuration;

/// <summary>
/// How the balancer talks to a backend: <c>protocol</c> (<c>auto</c>: HTTP/1.1 to http://, HTTP/2 with
/// fallback to HTTP/1.1 to https://; <c>http1</c>; <c>h2</c> over TLS; <c>h2c</c> cleartext HTTP/2 with
/// prior knowledge) and, for https:// backends, <c>tls_verify</c>, <c>ca_file</c>, <c>sni</c> and a client
/// certificate (<c>client_cert</c>, <c>client_key</c>) for mTLS. Per service or per backend; probes use it too.
/// </summary>
public sealed record UpstreamOptions(string Protocol, bool TlsVerify, string? CaFile, string? Sni, string? ClientCert, string? ClientKey)
{
    public const string Auto = "auto", Http1 = "http1", H2 = "h2", H2c = "h2c";

    public static readonly string[] Protocols = [Auto, Http1, H2, H2c];

    public static readonly string[] Keys = ["protocol", "tls_verify", "ca_file", "sni", "client_cert", "client_key"];

    public static readonly UpstreamOptions Default = new(Auto, TlsVerify: true, null, null, null, null);

    /// <summary>True when the TLS side differs from the platform's defaults (an own client is needed).</summary>
    public bool CustomTls => !TlsVerify || CaFile is not null || Sni is not null || ClientCert is not null;
}
