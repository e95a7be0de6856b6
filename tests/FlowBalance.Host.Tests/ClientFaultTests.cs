using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>What a client sends can fail that client's request, never a backend: headers pass as bytes, aborts are the client's.</summary>
public sealed class ClientFaultTests
{
    private const string Config = """
        activeHealthChecks.enabled = false
        passiveHealthChecks.circuit_breaker { failure_threshold = 3, recovery_timeout_ms = 60000 }
        """;

    [Fact]
    public async Task A_utf8_cookie_is_forwarded_byte_for_byte_and_never_counts_against_a_backend()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = {{TestBackend.HoconList(backends)}}, {{Config}} }
            """);
        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = false, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = balancer.BaseAddress,
        };
        using var client = balancer.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
            request.Headers.TryAddWithoutValidation("Cookie", "name=José; city=Zürich");
            using var response = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("name=José; city=Zürich", TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync())["Cookie"]);
        }
        var names = new HashSet<string>();
        for (var i = 0; i < 20; i++) names.Add(await client.GetStringAsync("/"));

        Assert.Equal(["a", "b"], names.Order());
        Assert.DoesNotContain("breaker open:", balancer.Output);
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task Latin1_header_bytes_pass_through_to_the_backend_and_back_unchanged()
    {
        using var raw = new RawBackend(_ => RawBackend.Bytes("HTTP/1.1 200 OK\nContent-Length: 2\nX-Name: Gr\u00fc\u00dfe\n\nok"));
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], {{Config}} }
            """);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, balancer.BaseAddress.Port);

        // 0xE9 alone is Latin-1 'é' and not valid UTF-8: a proxy passes it anyway, as nginx does.
        await socket.SendAsync(Encoding.Latin1.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nX-Label: caf\u00e9\r\nConnection: close\r\n\r\n"), SocketFlags.None);
        var answer = await ReadAll(socket);

        Assert.StartsWith("HTTP/1.1 200", answer);
        Assert.Contains("X-Name: Gr\u00fc\u00dfe\r\n", answer); // the backend's bytes, unchanged
        Assert.Contains("X-Label: caf\u00e9", Assert.Single(raw.Heads));
    }

    [Fact]
    public async Task A_client_that_aborts_its_upload_is_not_retried_and_opens_no_breaker()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = {{TestBackend.HoconList(backends)}}, {{Config}} }
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 6; i++)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, balancer.BaseAddress.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789"), SocketFlags.None);
            await Eventually.True(() => backends.Sum(b => b.Uploads) == i + 1, $"upload {i + 1} reached a backend");
            socket.LingerState = new LingerOption(true, 0);
            socket.Close(); // gone mid-body
        }
        var names = new HashSet<string>();
        for (var i = 0; i < 20; i++) names.Add(await client.GetStringAsync("/"));

        Assert.Equal(6, backends.Sum(b => b.Uploads)); // each aborted upload reached one backend, none was re-sent
        Assert.Equal(["a", "b"], names.Order());
        Assert.DoesNotContain("breaker open:", balancer.Output);
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    internal static async Task<string> ReadAll(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        return text.ToString();
    }
}
