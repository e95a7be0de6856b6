using System.Security.Cryptography;
using System.Text;

namespace FlowBalance.Plugins.ApiKey;

/// <summary>The accepted keys, compared in constant time so response timing does not leak a key's prefix.</summary>
public sealed class KeySet(IEnumerable<string> keys)
{
    private const int MaxKeyBytes = 512;
    private readonly byte[][] _keys = [.. keys.Select(Encoding.UTF8.GetBytes)];

    public bool Contains(ReadOnlySpan<char> candidate)
    {
        if (candidate.IsEmpty || Encoding.UTF8.GetMaxByteCount(candidate.Length) > MaxKeyBytes) return false;
        Span<byte> bytes = stackalloc byte[MaxKeyBytes];
        var length = Encoding.UTF8.GetBytes(candidate, bytes);
        var found = false;
        foreach (var key in _keys) found |= CryptographicOperations.FixedTimeEquals(key, bytes[..length]);
        return found;
    }
}
