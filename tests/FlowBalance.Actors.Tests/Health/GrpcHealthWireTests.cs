using FlowBalance.Actors.Health;

namespace FlowBalance.Actors.Tests.Health;

/// <summary>The hand-written protobuf and gRPC framing of the health check (the live backend tests are in Host.Tests/Edge).</summary>
public sealed class GrpcHealthWireTests
{
    [Fact]
    public void Request_is_one_uncompressed_frame_with_the_service_as_field_1()
    {
        Assert.Equal(new byte[5], GrpcHealthWire.EncodeRequest(""));
        Assert.Equal([0, 0, 0, 0, 5, 0x0A, 3, (byte)'a', (byte)'.', (byte)'B'], GrpcHealthWire.EncodeRequest("a.B"));

        var long200 = GrpcHealthWire.EncodeRequest(new string('x', 200));
        Assert.Equal([0, 0, 0, 0, 203, 0x0A, 0xC8, 0x01], long200[..8]); // a two-byte varint length
        Assert.Equal([0, 0, 0, 0, 4, 0x0A, 2, 0xC3, 0xA9], GrpcHealthWire.EncodeRequest("é")); // UTF-8 bytes, not chars
    }

    [Fact]
    public void Reply_status_is_read_past_unknown_fields_and_defaults_to_unknown()
    {
        byte[] serving = [0, 0, 0, 0, 8, 0x10, 0x96, 0x01, 0x1A, 0x01, (byte)'z', 0x08, 0x01]; // field 2 varint, field 3 bytes, field 1 = 1
        Assert.True(GrpcHealthWire.TryDecodeReply(serving, out var status, out _));
        Assert.Equal(GrpcHealthWire.Serving, status);

        Assert.True(GrpcHealthWire.TryDecodeReply(new byte[5], out status, out _));
        Assert.Equal("UNKNOWN", GrpcHealthWire.StatusName(status));
        Assert.True(GrpcHealthWire.TryDecodeReply([0, 0, 0, 0, 2, 0x08, 0x02], out status, out _));
        Assert.Equal("NOT_SERVING", GrpcHealthWire.StatusName(status));
    }

    [Theory]
    [InlineData(new byte[] { }, "no reply message")]
    [InlineData(new byte[] { 0, 0, 0 }, "truncated gRPC frame")]
    [InlineData(new byte[] { 1, 0, 0, 0, 2, 0x08, 0x01 }, "compressed reply (no compression was offered)")]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 0x08, 0x01 }, "gRPC frame of 9 bytes in a body of 7")]
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x81 }, "malformed HealthCheckResponse")]
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0x0A, 0x05 }, "malformed HealthCheckResponse")]
    public void Reply_that_is_not_a_check_response_is_refused_with_a_reason(byte[] body, string reason)
    {
        Assert.False(GrpcHealthWire.TryDecodeReply(body, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Status_code_names_follow_the_grpc_spec()
    {
        Assert.Equal(("OK", "NOT_FOUND", "UNIMPLEMENTED", "UNAUTHENTICATED", "?"),
            (GrpcHealthWire.CodeName(0), GrpcHealthWire.CodeName(5), GrpcHealthWire.CodeName(12), GrpcHealthWire.CodeName(16), GrpcHealthWire.CodeName(17)));
    }
}
