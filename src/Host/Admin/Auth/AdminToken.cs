using System.Security.Cryptography;
using System.Text;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// Admin tokens: 32 random bytes, base64url, with a recognisable prefix (<c>fbt_</c>) so secret scanners
/// find a leaked one. Only their SHA-256 is ever stored; comparison takes constant time.
/// </summary>
public static class AdminToken
{
    public const string EnvironmentVariable = "FLOWBALANCE_ADMIN_TOKEN";
    public const string Prefix = "fbt_";

    public static string Create() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string presented, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(hash));
}
