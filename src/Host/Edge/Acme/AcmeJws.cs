using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// RFC 7515 flattened JWS with ES256 over a P-256 account key, as RFC 8555 §6.2 wants it, and the
/// RFC 7638 JWK thumbprint that HTTP-01 key authorizations are built from.
/// </summary>
public sealed class AcmeJws
{
    private readonly ECDsa _accountKey;

    public AcmeJws(ECDsa accountKey)
    {
        _accountKey = accountKey;
        Jwk = JwkOf(accountKey);
        Thumbprint = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk)));
    }

    /// <summary>The public key as a JWK, members in RFC 7638 order and without spaces (the thumbprint hashes exactly this text).</summary>
    public string Jwk { get; }

    public string Thumbprint { get; }

    /// <summary>The body of a <c>http-01</c> response: <c>token.thumbprint</c>.</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>
    /// A JWS for <paramref name="url"/>: with <paramref name="accountUrl"/> as <c>kid</c>, or with the
    /// <c>jwk</c> itself when there is no account yet (newAccount). A null payload is POST-as-GET (empty payload).
    /// </summary>
    public string Sign(Uri url, string nonce, Uri? accountUrl, string? payloadJson)
    {
        var header = new StringBuilder("{\"alg\":\"ES256\",");
        header.Append(accountUrl is null ? $"\"jwk\":{Jwk}," : $"\"kid\":{JsonSerializer.Serialize(accountUrl.AbsoluteUri)},");
        header.Append($"\"nonce\":{JsonSerializer.Serialize(nonce)},\"url\":{JsonSerializer.Serialize(url.AbsoluteUri)}}}");
        var protected64 = Base64Url(Encoding.UTF8.GetBytes(header.ToString()));
        var payload64 = payloadJson is null ? "" : Base64Url(Encoding.UTF8.GetBytes(payloadJson));
        // .NET's default signature format is IEEE P1363 (r || s), which is what JWS ES256 wants (not DER).
        var signature = _accountKey.SignData(Encoding.ASCII.GetBytes(protected64 + "." + payload64), HashAlgorithmName.SHA256);
        return $"{{\"protected\":\"{protected64}\",\"payload\":\"{payload64}\",\"signature\":\"{Base64Url(signature)}\"}}";
    }

    public static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string JwkOf(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        if (p.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value) throw new ArgumentException("the ACME account key must be P-256 (ES256)", nameof(key));
        return $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url(p.Q.X!)}\",\"y\":\"{Base64Url(p.Q.Y!)}\"}}";
    }
}
