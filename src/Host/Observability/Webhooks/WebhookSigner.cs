using System.Security.Cryptography;
using System.Text;

namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>.
/// A <c>whsec_&lt;base64&gt;</c> secret is keyed by its decoded bytes, any other string by its UTF-8 bytes.
/// </summary>
public static class WebhookSigner
{
    public static byte[] Key(string secret)
    {
        if (secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromBase64String(secret["whsec_".Length..]);
            }
            catch (FormatException)
            {
                // not base64 after all: the string itself is the key
            }
        }
        return Encoding.UTF8.GetBytes(secret);
    }

    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
