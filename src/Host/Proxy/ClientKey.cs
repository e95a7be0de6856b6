using System.Net;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Which bucket of a rate-limited service a request draws from: an IPv4 or IPv6 address, or a
/// header value's 64-bit hash (no header string is kept). A struct, so a lookup allocates nothing;
/// hashed with <see cref="HashCode"/>, which is seeded per process, so clients cannot pick addresses
/// or header values that collide in the dictionary.
/// </summary>
internal readonly struct ClientKey(byte kind, ulong high, ulong low) : IEquatable<ClientKey>
{
    private const byte V4 = 4, V6 = 6, Header = (byte)'h';

    private readonly byte _kind = kind;
    private readonly ulong _high = high;
    private readonly ulong _low = low;

    public static ClientKey Of(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? new ClientKey(V4, 0, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : new ClientKey(V6, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    public static ClientKey Of(string headerValue) => new(Header, 0, StableHash.Of(headerValue));

    public bool Equals(ClientKey other) => _kind == other._kind && _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is ClientKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_kind, _high, _low);
}
