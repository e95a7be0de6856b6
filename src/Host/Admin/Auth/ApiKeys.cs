using System.Security.Cryptography;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// API keys: <c>fbk_</c> + 32 random bytes (base64url), so secret scanners recognise a leaked one; only the
/// SHA-256 is stored (<see cref="AdminToken.Hash"/>), the key itself is shown once, when it is made. Ids
/// are short and random (<c>key_…</c>): they name a key in lists and the audit log, never unlock anything.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "fbk_";

    public static string Create() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static bool LooksLikeKey(string text) => text.StartsWith(Prefix, StringComparison.Ordinal);
}
