using System.Buffers.Binary;
using System.Text;

namespace FlowBalance.Actors.Health;

/// <summary>
/// The bytes of grpc.health.v1 Check, hand-encoded so the actors need no gRPC or protobuf package:
/// a gRPC frame is 1 byte compressed flag + 4 byte big-endian length + the message; the request's
/// field 1 is the service name (string), the reply's field 1 the serving status (enum).
/// </summary>
internal static class GrpcHealthWire
{
    public const int Serving = 1;

    private const int FrameHeader = 5;

    private static readonly string[] StatusNames = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];

    private static readonly string[] CodeNames =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>One uncompressed frame holding HealthCheckRequest { service }; "" is omitted, as proto3 does.</summary>
    public static byte[] EncodeRequest(string service)
    {
        var name = Encoding.UTF8.GetBytes(service);
        var message = name.Length == 0 ? 0 : 1 + VarintSize((ulong)name.Length) + name.Length;
        var frame = new byte[FrameHeader + message];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message);
        if (message == 0) return frame;
        var at = FrameHeader;
        frame[at++] = 0x0A; // field 1, wire type 2 (length-delimited)
        for (var length = (ulong)name.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                frame[at++] = (byte)length;
                break;
            }
            frame[at++] = (byte)(length | 0x80);
        }
        name.CopyTo(frame, at);
        return frame;
    }

    /// <summary>Reads the serving status from one response frame; false with a reason when it is not one.</summary>
    public static bool TryDecodeReply(ReadOnlySpan<byte> body, out int status, out string error)
    {
        status = 0; // proto3 omits the default, so an empty message means UNKNOWN
        error = "";
        if (body.Length < FrameHeader)
        {
            error = body.Length == 0 ? "no reply message" : "truncated gRPC frame";
            return false;
        }
        if (body[0] != 0)
        {
            error = "compressed reply (no compression was offered)";
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (length != body.Length - FrameHeader)
        {
            error = $"gRPC frame of {length} bytes in a body of {body.Length}";
            return false;
        }
        var message = body[FrameHeader..];
        while (!message.IsEmpty)
        {
            if (!TryReadVarint(ref message, out var tag)) return Malformed(out error);
            var skipped = (tag & 7) switch
            {
                0 => TryReadVarint(ref message, out var value) && Keep(tag, value, ref status),
                1 => TrySkip(ref message, 8),
                2 => TryReadVarint(ref message, out var size) && size <= (ulong)message.Length && TrySkip(ref message, (int)size),
                5 => TrySkip(ref message, 4),
                _ => false,
            };
            if (!skipped) return Malformed(out error);
        }
        return true;
    }

    public static string StatusName(int status) => (uint)status < StatusNames.Length ? StatusNames[status] : $"status {status}";

    public static string CodeName(int code) => (uint)code < CodeNames.Length ? CodeNames[code] : "?";

    private static bool Keep(ulong tag, ulong value, ref int status)
    {
        if (tag >> 3 == 1) status = (int)value; // field 1; other varint fields are skipped, as protobuf readers do
        return true;
    }

    private static bool Malformed(out string error)
    {
        error = "malformed HealthCheckResponse";
        return false;
    }

    private static bool TrySkip(ref ReadOnlySpan<byte> span, int count)
    {
        if (span.Length < count) return false;
        span = span[count..];
        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> span, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < span.Length; i++)
        {
            value |= (ulong)(span[i] & 0x7F) << (7 * i);
            if (span[i] < 0x80)
            {
                span = span[(i + 1)..];
                return true;
            }
        }
        return false;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
