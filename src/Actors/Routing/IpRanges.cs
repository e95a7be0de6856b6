using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// A set of CIDR ranges, built once from the configuration: per address family, one frozen set of
/// masked prefixes per distinct prefix length, so a lookup costs one set probe per prefix length in
/// use (a list of a thousand /24s is one probe), whatever the list's size. No allocation per lookup.
/// </summary>
public sealed class IpRanges
{
    private readonly (int Bits, FrozenSet<uint> Prefixes)[] _v4;
    private readonly (int Bits, FrozenSet<UInt128> Prefixes)[] _v6;

    public IpRanges(ImmutableArray<IPNetwork> networks)
    {
        Networks = networks;
        _v4 = [.. networks.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .GroupBy(n => n.PrefixLength)
            .Select(g => (g.Key, g.Select(n => V4(n.BaseAddress) & Mask32(g.Key)).ToFrozenSet()))
            .OrderBy(p => p.Key)];
        _v6 = [.. networks.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            .GroupBy(n => n.PrefixLength)
            .Select(g => (g.Key, g.Select(n => V6(n.BaseAddress) & Mask128(g.Key)).ToFrozenSet()))
            .OrderBy(p => p.Key)];
    }

    /// <summary>The ranges as configured (for equality and display).</summary>
    public ImmutableArray<IPNetwork> Networks { get; }

    public bool IsEmpty => Networks.IsEmpty;

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 counts as IPv4) is in one of the ranges.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var value = V4(address);
            foreach (var (bits, prefixes) in _v4)
            {
                if (prefixes.Contains(value & Mask32(bits))) return true;
            }
            return false;
        }
        var wide = V6(address);
        foreach (var (bits, prefixes) in _v6)
        {
            if (prefixes.Contains(wide & Mask128(bits))) return true;
        }
        return false;
    }

    private static uint Mask32(int bits) => bits == 0 ? 0 : uint.MaxValue << (32 - bits);

    private static UInt128 Mask128(int bits) => bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);

    private static uint V4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static UInt128 V6(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
