using System.Net;
using System.Text;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// Writes a tiny MaxMind DB (format 2.0, IPv4, 24-bit records) of the GeoIP2 Country shape, so the
/// geo tests use a real .mmdb read by the real MaxMind reader without downloading anything.
/// </summary>
public static class MmdbWriter
{
    private const uint RecordSize = 24;

    /// <param name="networks">CIDR (e.g. "203.0.113.0/24") → (country, continent).</param>
    public static void Write(string path, IReadOnlyDictionary<string, (string Country, string Continent)> networks)
    {
        var data = new List<byte>();
        var root = new Node();
        foreach (var (cidr, (country, continent)) in networks)
        {
            var offset = data.Count;
            data.AddRange(Map(("continent", Map(("code", Text(continent)))), ("country", Map(("iso_code", Text(country))))));
            Insert(root, IPNetwork.Parse(cidr), offset);
        }

        var nodes = Number(root);
        var nodeCount = (uint)nodes.Count;
        using var file = new BinaryWriter(File.Create(path));
        foreach (var node in nodes)
        {
            Record(file, Value(node.Left?.Index, node.LeftData, nodeCount));
            Record(file, Value(node.Right?.Index, node.RightData, nodeCount));
        }
        file.Write(new byte[16]); // the data section starts after 16 zero bytes
        file.Write(data.ToArray());
        file.Write(new byte[] { 0xAB, 0xCD, 0xEF }); // metadata marker
        file.Write("MaxMind.com"u8);
        file.Write(Map(
            ("binary_format_major_version", UInt(5, 2)),
            ("binary_format_minor_version", UInt(5, 0)),
            ("build_epoch", UInt64((ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds())),
            ("database_type", Text("FlowBalance-Test-Country")),
            ("description", Map(("en", Text("FlowBalance test database")))),
            ("ip_version", UInt(5, 4)),
            ("languages", Array(Text("en"))),
            ("node_count", UInt(6, nodeCount)),
            ("record_size", UInt(5, RecordSize))));
    }

    private sealed class Node
    {
        public Node? Left;
        public Node? Right;
        public int? LeftData;
        public int? RightData;
        public int Index;
    }

    private static void Insert(Node root, IPNetwork network, int dataOffset)
    {
        var bits = network.BaseAddress.GetAddressBytes();
        var node = root;
        for (var i = 0; i < network.PrefixLength; i++)
        {
            var right = (bits[i / 8] >> (7 - i % 8) & 1) == 1;
            if (i == network.PrefixLength - 1)
            {
                if (right) node.RightData = dataOffset;
                else node.LeftData = dataOffset;
                return;
            }
            node = right ? node.Right ??= new Node() : node.Left ??= new Node();
        }
    }

    /// <summary>Internal nodes in breadth-first order (the root is node 0).</summary>
    private static List<Node> Number(Node root)
    {
        var order = new List<Node>();
        var queue = new Queue<Node>([root]);
        while (queue.TryDequeue(out var node))
        {
            node.Index = order.Count;
            order.Add(node);
            if (node.Left is not null) queue.Enqueue(node.Left);
            if (node.Right is not null) queue.Enqueue(node.Right);
        }
        return order;
    }

    /// <summary>A record: the next node, a pointer into the data section, or node_count for "no data".</summary>
    private static uint Value(int? child, int? data, uint nodeCount) => (child, data) switch
    {
        ({ } next, _) => (uint)next,
        (_, { } offset) => nodeCount + 16 + (uint)offset,
        _ => nodeCount,
    };

    private static void Record(BinaryWriter file, uint value)
    {
        file.Write((byte)(value >> 16));
        file.Write((byte)(value >> 8));
        file.Write((byte)value);
    }

    private static byte[] Control(int type, int size)
    {
        var head = new List<byte>();
        var sizeBits = size < 29 ? size : 29;
        head.Add((byte)((type <= 7 ? type : 0) << 5 | sizeBits));
        if (type > 7) head.Add((byte)(type - 7));
        if (size >= 29) head.Add((byte)(size - 29)); // sizes up to 284 are enough here
        return [.. head];
    }

    private static byte[] Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [.. Control(2, bytes.Length), .. bytes];
    }

    private static byte[] UInt(int type, uint value)
    {
        var bytes = BitConverter.GetBytes(value).Reverse().SkipWhile(b => b == 0).ToArray();
        return [.. Control(type, bytes.Length), .. bytes];
    }

    private static byte[] UInt64(ulong value)
    {
        var bytes = BitConverter.GetBytes(value).Reverse().SkipWhile(b => b == 0).ToArray();
        return [.. Control(9, bytes.Length), .. bytes];
    }

    private static byte[] Array(params byte[][] items) => [.. Control(11, items.Length), .. items.SelectMany(i => i)];

    private static byte[] Map(params (string Key, byte[] Value)[] pairs) =>
        [.. Control(7, pairs.Length), .. pairs.SelectMany(p => Text(p.Key).Concat(p.Value))];
}
