using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>
/// Requests whose body length two HTTP parsers could read differently (request smuggling) are
/// refused at the edge and never reach a backend; ordinary framings still pass.
/// </summary>
public sealed class DesyncTests
{
    private static readonly byte[] Ok = RawBackend.Bytes("HTTP/1.1 200 OK\nContent-Length: 2\n\nok");

    private const string Chunked = "5\r\nhello\r\n0\r\n\r\n";

    /// <summary>Name, the request's framing headers, its body, the status, and whether FlowBalance (not Kestrel) answers and logs it.</summary>
    public static TheoryData<string, string, string, int, string?> Refused => new()
    {
        { "Content-Length and Transfer-Encoding", "Content-Length: 5\r\nTransfer-Encoding: chunked", Chunked, 400, "ambiguous_body_length" },
        { "differing Content-Length twice", "Content-Length: 5\r\nContent-Length: 6", "hello!", 400, null },
        { "equal Content-Length twice", "Content-Length: 5\r\nContent-Length: 5", "hello", 400, null },
        { "a Content-Length list", "Content-Length: 5, 5", "hello", 400, null },
        { "a signed Content-Length", "Content-Length: +5", "hello", 400, null },
        { "a negative zero Content-Length", "Content-Length: -0", "", 400, null },
        { "gzip, chunked", "Transfer-Encoding: gzip, chunked", Chunked, 501, "unsupported_transfer_coding" },
        { "chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", Chunked, 501, "unsupported_transfer_coding" },
        { "chunked, gzip (chunked not last)", "Transfer-Encoding: chunked, gzip", Chunked, 400, null },
        { "identity", "Transfer-Encoding: identity", "hello", 400, null },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_request_a_backend_could_frame_differently_is_refused_and_never_forwarded(string name, string framing, string body, int status, string? logged)
    {
        using var raw = new RawBackend(_ => Ok);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false }
            """);

        var answer = await SendRaw(balancer, $"POST /smuggle HTTP/1.1\r\nHost: x\r\n{framing}\r\n\r\n{body}GET /second HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.True(answer.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{name}: {answer}");
        Assert.Contains("Connection: close\r\n", answer); // the rest of the bytes are never read as another request
        Assert.Empty(raw.Heads);
        using var client = balancer.CreateClient();
        var entries = await AdminApi.Items(client, "/__lb_admin__/api/v1/requests?path=/smuggle");
        if (logged is null)
        {
            Assert.Empty(entries); // Kestrel's own 400: the request never reached FlowBalance
            return;
        }
        var entry = Assert.Single(entries);
        Assert.Equal((status, logged), (entry.GetProperty("status").GetInt32(), entry.GetProperty("error").GetString()));
        Assert.Equal(0, entry.GetProperty("attempts").GetArrayLength());
    }

    [Theory]
    [InlineData("Content-Length: 5", "hello")]
    [InlineData("Transfer-Encoding: chunked", Chunked)]
    [InlineData("Transfer-Encoding: Chunked", Chunked)]
    public async Task Ordinary_framing_is_forwarded(string framing, string body)
    {
        using var raw = new RawBackend(_ => Ok);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false }
            """);

        var answer = await SendRaw(balancer, $"POST /plain HTTP/1.1\r\nHost: x\r\n{framing}\r\nConnection: close\r\n\r\n{body}");

        Assert.StartsWith("HTTP/1.1 200 ", answer);
        Assert.StartsWith("POST /plain ", raw.Heads[0]);
    }

    internal static async Task<string> SendRaw(BalancerProcess balancer, string request)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, balancer.BaseAddress.Port);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None);
        return await ClientFaultTests.ReadAll(socket);
    }
}
