using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>What the backend and the client see through the balancer: headers, bodies, upgrades, errors.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Backend_gets_its_own_host_and_forwarded_headers_and_the_client_gets_a_request_id()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { hostname = "api.myapp.com", backends = ["{{backend.Url}}"] }
            """);
        using var client = balancer.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = "api.myapp.com";
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request);
        var seen = TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal(new Uri(backend.Url).Authority, seen["Host"]);
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]); // the client is no trusted proxy: its own claim is replaced
        Assert.Equal("http", seen["X-Forwarded-Proto"]);
        Assert.Equal("api.myapp.com", seen["X-Forwarded-Host"]);
        var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Equal(id, seen["X-Request-Id"]);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task Preserve_host_sends_the_client_host_and_a_client_request_id_is_kept()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { hostname = "api.myapp.com", preserve_host = true, backends = ["{{backend.Url}}"] }
            """);
        using var client = balancer.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = "api.myapp.com";
        request.Headers.Add("X-Request-Id", "trace-42");

        using var response = await client.SendAsync(request);
        var seen = TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal("api.myapp.com", seen["Host"]);
        Assert.Equal("trace-42", seen["X-Request-Id"]);
        Assert.Equal("trace-42", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task A_50_MB_upload_streams_through_byte_identical_and_websockets_echo()
    {
        await using var backend = await TestBackend.StartAsync("files");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"] }
            """);
        using var client = balancer.CreateClient();

        const long size = 50L * 1024 * 1024;
        var body = new PatternStream(size);
        using var upload = await client.PostAsync("/upload", new StreamContent(body, 64 * 1024));

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal($"{size} {body.ExpectedHash()}", await upload.Content.ReadAsStringAsync());

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{balancer.BaseAddress.Authority}/ws"), CancellationToken.None);
        foreach (var message in new[] { "hello", "through the balancer" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task A_service_whose_only_backend_refuses_connections_gives_503_and_malformed_http_gets_400()
    {
        await using var backend = await TestBackend.StartAsync("up");
        var refused = Ports.Refusing();
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance.services = [
              { hostname = "down.test", backends = ["http://127.0.0.1:{{refused}}"] }
              { hostname = "up.test", backends = ["{{backend.Url}}"] }
            ]
            """);
        using var client = balancer.CreateClient();

        var down = new HttpRequestMessage(HttpMethod.Get, "/");
        down.Headers.Host = "down.test";
        using var response = await client.SendAsync(down);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("All backends are down", await response.Content.ReadAsStringAsync());

        var raw = await SendRawAsync(balancer.BaseAddress, "GET / HTTP/1.1\r\nHost: up.test\r\nThis is not a header\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", raw);

        var up = new HttpRequestMessage(HttpMethod.Get, "/");
        up.Headers.Host = "up.test";
        using var after = await client.SendAsync(up);
        Assert.Equal("up", await after.Content.ReadAsStringAsync());
    }


    private static async Task<string> SendRawAsync(Uri address, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    /// <summary>A deterministic stream of <c>length</c> bytes that hashes what it hands out, never holding it all.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;

        public string ExpectedHash() => Convert.ToHexString(_hash.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = (byte)((_position + i) * 31 % 251);
            _hash.AppendData(buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
