namespace FlowBalance.Actors.Routing;

/// <summary>
/// A 64-bit hash that is the same in every process and on every node (string.GetHashCode is
/// randomised per process): FNV-1a over the UTF-16 code units, then the murmur3 finaliser so
/// that similar keys spread over the whole ring.
/// </summary>
public static class StableHash
{
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return Mix(hash);
    }

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return Mix(hash);
    }

    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
