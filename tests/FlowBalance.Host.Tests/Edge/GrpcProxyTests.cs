using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlowBalance.Host.Tests.Protos;
using FlowBalance.Host.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>
/// gRPC end to end through the real balancer process: Grpc.Net.Client → the balancer's h2c or HTTPS
/// (ALPN h2) listener → real Kestrel gRPC backends over h2c or TLS. Call kinds, status and trailers,
/// deadlines and cancellation, a backend dying mid-stream, connection retries, backend TLS trust, and
/// the grpc.health.v1 health check taking a backend out of rotation.
/// </summary>
public sealed class GrpcProxyTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    /// <summary>Active checks off unless a test is about them: an HTTP probe would count as a call on the backend.</summary>
    private const string NoProbes = "activeHealthChecks { enabled = false }";

    [Theory]
    [InlineData("h2c")]
    [InlineData("https")]
    public async Task All_four_call_kinds_pass_through_and_the_backend_sees_http2(string transport)
    {
        using var pki = new EdgeCertificates();
        await using var backend = await GrpcBackend.StartAsync("g1");
        await using var balancer = await StartAsync(pki, CatchAll(backend));
        using var channel = Channel(balancer, pki, transport);
        var client = new Echo.EchoClient(channel);

        var unary = await client.UnaryAsync(new EchoRequest { Text = "hi", Number = 7 });
        Assert.Equal(("hi", 7L, "g1", "HTTP/2"), (unary.Text, unary.Number, unary.Backend, unary.Protocol));

        using var server = client.ServerStream(new StreamRequest { Text = "s", Count = 5, DelayMs = 10 });
        var replies = await server.ResponseStream.ReadAllAsync().ToListAsync();
        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
        Assert.All(replies, r => Assert.Equal(("s", "HTTP/2"), (r.Text, r.Protocol)));

        using var upload = client.ClientStream();
        foreach (var n in new[] { 1, 2, 3, 4 }) await upload.RequestStream.WriteAsync(new EchoRequest { Text = $"{n}", Number = n });
        await upload.RequestStream.CompleteAsync();
        var sum = await upload;
        Assert.Equal((10L, "1234", 4, "g1", "HTTP/2"), (sum.Sum, sum.Joined, sum.Count, sum.Backend, sum.Protocol));

        using var bidi = client.Bidi();
        foreach (var text in new[] { "a", "b", "c" })
        {
            await bidi.RequestStream.WriteAsync(new EchoRequest { Text = text });
            using var deadline = new CancellationTokenSource(Within);
            // Each answer arrives before the next message is sent: the balancer streams both ways, it buffers neither.
            Assert.True(await bidi.ResponseStream.MoveNext(deadline.Token));
            Assert.Equal((text, "HTTP/2"), (bidi.ResponseStream.Current.Text, bidi.ResponseStream.Current.Protocol));
        }
        await bidi.RequestStream.CompleteAsync();
        Assert.False(await bidi.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal((4, 1, 1, 1, 1), (backend.Calls, backend.CallsTo("Unary"), backend.CallsTo("ServerStream"), backend.CallsTo("ClientStream"), backend.CallsTo("Bidi")));
    }

    [Theory]
    [InlineData("h2c")]
    [InlineData("https")]
    public async Task A_failed_call_keeps_its_status_detail_and_custom_trailer(string transport)
    {
        using var pki = new EdgeCertificates();
        await using var backend = await GrpcBackend.StartAsync("g1");
        await using var balancer = await StartAsync(pki, CatchAll(backend));
        using var channel = Channel(balancer, pki, transport);
        var client = new Echo.EchoClient(channel);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.FailAsync(
            new FailRequest { Code = (int)StatusCode.NotFound, Detail = "no such order", TrailerKey = "x-why", TrailerValue = "because" }));
        Assert.Equal((StatusCode.NotFound, "no such order", "because"), (e.StatusCode, e.Status.Detail, e.Trailers.GetValue("x-why")));

        using var stream = client.ServerStream(new StreamRequest { Count = 2, FailCode = (int)StatusCode.ResourceExhausted });
        var read = 0;
        var late = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in stream.ResponseStream.ReadAllAsync()) read++; });
        Assert.Equal((2, StatusCode.ResourceExhausted, "failed after 2 messages"), (read, late.StatusCode, late.Status.Detail));
        // A gRPC error is an answer (HTTP 200 with grpc-status), not a backend failure: no retry, one call each.
        Assert.Equal((1, 1), (backend.CallsTo("Fail"), backend.CallsTo("ServerStream")));
    }

    [Fact]
    public async Task A_deadline_or_a_cancelled_call_cancels_the_call_on_the_backend()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await GrpcBackend.StartAsync("g1");
        await using var balancer = await StartAsync(pki, CatchAll(backend));
        using var channel = Channel(balancer, pki, "h2c");
        var client = new Echo.EchoClient(channel);
        // Warm (connections, JIT) first: a cold first call could outlive a short deadline before reaching the backend.
        await client.UnaryAsync(new EchoRequest());

        var expired = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.SleepAsync(new SleepRequest { SleepMs = 30_000 }, deadline: DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
        await Eventually.True(() => backend.Echo.SleepsCancelled == 1,
            $"the backend's call was cancelled (calls {backend.CallsTo("Sleep")}, completed {backend.Echo.SleepsCompleted})", Within);

        // No deadline this time, so no grpc-timeout the backend could enforce on its own: only the client's
        // RST_STREAM, passed on by the balancer, can cancel the backend's call.
        using var cancel = new CancellationTokenSource();
        using var sleeping = client.SleepAsync(new SleepRequest { SleepMs = 30_000 }, cancellationToken: cancel.Token);
        await Eventually.True(() => backend.CallsTo("Sleep") == 2, "the second sleep reached the backend", Within);
        cancel.Cancel();
        var cancelled = await Assert.ThrowsAsync<RpcException>(async () => await sleeping);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        await Eventually.True(() => backend.Echo.SleepsCancelled == 2, "the cancellation reached the backend through the balancer", Within);
        Assert.Equal(0, backend.Echo.SleepsCompleted);
    }

    [Fact]
    public async Task A_backend_killed_mid_stream_fails_the_stream_with_unavailable()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await GrpcBackend.StartAsync("g1");
        await using var balancer = await StartAsync(pki, CatchAll(backend));
        using var channel = Channel(balancer, pki, "h2c");
        var client = new Echo.EchoClient(channel);
        using var stream = client.ServerStream(new StreamRequest { Text = "s", Count = 10_000, DelayMs = 20 });
        using var deadline = new CancellationTokenSource(Within);
        Assert.True(await stream.ResponseStream.MoveNext(deadline.Token));

        await backend.KillAsync();

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.ResponseStream.MoveNext(deadline.Token)) { }
        });
        // gRPC's convention for a transport that broke mid-call (and what a client talking to the backend
        // directly gets: GrpcBackendTests) is UNAVAILABLE, which clients may retry. Known failure: YARP 2.3
        // resets the client's stream with code 0x8 (CANCEL; its ResetOrAbort swaps CANCEL and INTERNAL_ERROR),
        // which Grpc.Net.Client reports as Cancelled, as if the client itself had given up.
        Assert.True(e.StatusCode == StatusCode.Unavailable,
            $"expected Unavailable, got {e.StatusCode} \"{e.Status.Detail}\" ({e.Status.DebugException?.GetType().Name}: {e.Status.DebugException?.Message}); balancer output:\n{balancer.Output}");
    }

    [Fact]
    public async Task A_call_to_a_backend_that_refuses_connections_is_retried_on_the_other()
    {
        using var pki = new EdgeCertificates();
        await using var live = await GrpcBackend.StartAsync("live");
        var dead = $"http://127.0.0.1:{Ports.Refusing()}";
        await using var balancer = await StartAsync(pki, $$"""{ backends = ["{{dead}}", "{{live.Url}}"], protocol = h2c, {{NoProbes}} }""");
        using var channel = Channel(balancer, pki, "h2c");
        var client = new Echo.EchoClient(channel);

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("live", (await client.UnaryAsync(new EchoRequest { Number = i })).Backend);
        }
        // A streamed request body is not read before the connection opens, so it too can go elsewhere.
        for (var i = 0; i < 2; i++)
        {
            using var upload = client.ClientStream();
            await upload.RequestStream.WriteAsync(new EchoRequest { Text = "x", Number = 5 });
            await upload.RequestStream.CompleteAsync();
            var sum = await upload;
            Assert.Equal((5L, "live"), (sum.Sum, sum.Backend));
        }

        Assert.Equal(8, live.Calls);
        using var admin = AdminClient(balancer);
        await Eventually.True(async () => BackendStatus(await StatusAsync(admin), dead).GetProperty("last_error").ValueKind == JsonValueKind.String,
            "the dead backend's connection error reaches the status: it was tried", Within);
        Assert.StartsWith("connection error at ", BackendStatus(await StatusAsync(admin), dead).GetProperty("last_error").GetString());
    }

    [Fact]
    public async Task A_tls_backend_signed_by_a_private_ca_works_with_ca_file_and_fails_without_it()
    {
        using var pki = new EdgeCertificates();
        var backendCa = TestCertificates.CreateCa("FlowBalance gRPC backend CA");
        var caFile = Path.Combine(pki.Folder, "backend-ca.pem");
        await File.WriteAllTextAsync(caFile, backendCa.ExportCertificatePem());
        await using var backend = await GrpcBackend.StartAsync("tls-g1", TestCertificates.CreateLeaf(backendCa, "localhost", "127.0.0.1"));
        await using var balancer = await StartAsync(pki, $$"""
            { hostname = "trusted.test", backends = ["{{backend.Url}}"], protocol = h2, ca_file = "{{caFile}}", {{NoProbes}} }
            { hostname = "untrusted.test", backends = ["{{backend.Url}}"], protocol = h2, {{NoProbes}} }
            """);
        var h2c = balancer.Listener("http", "h2c").Port;

        using var trustedChannel = ChannelAs("trusted.test", h2c);
        var trusted = await new Echo.EchoClient(trustedChannel).UnaryAsync(new EchoRequest { Text = "over tls" });
        Assert.Equal(("over tls", "tls-g1", "HTTP/2"), (trusted.Text, trusted.Backend, trusted.Protocol));
        Assert.Equal(1, backend.Calls);

        using var untrustedChannel = ChannelAs("untrusted.test", h2c);
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Echo.EchoClient(untrustedChannel).UnaryAsync(new EchoRequest { Text = "unverified" }));
        Assert.True(e.StatusCode == StatusCode.Unavailable, $"expected Unavailable, got {e.StatusCode} \"{e.Status.Detail}\"");
        // The balancer's own answer, as a gRPC status with its reason (not "Bad gRPC response. HTTP status code: 503").
        Assert.StartsWith("All backends are down for service 'untrusted.test'", e.Status.Detail);
        await Eventually.True(() => balancer.Output.Contains("TLS handshake failed"), "the balancer logs the failed handshake", Within);
        var line = balancer.Output.Split('\n').First(l => l.Contains("TLS handshake failed"));
        Assert.Contains("certificate", line, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, backend.Calls); // the untrusted attempt never got past the handshake
    }

    [Fact]
    public async Task A_backend_reporting_not_serving_leaves_rotation_and_returns_when_serving_again()
    {
        using var pki = new EdgeCertificates();
        await using var g1 = await GrpcBackend.StartAsync("g1");
        await using var g2 = await GrpcBackend.StartAsync("g2");
        await using var balancer = await StartAsync(pki, $$"""
            { backends = ["{{g1.Url}}", "{{g2.Url}}"], protocol = h2c,
              activeHealthChecks { type = grpc, grpc_service = "", interval = 1s, timeout = 1s, consecutive_down = 1, consecutive_up = 1 } }
            """);
        using var channel = Channel(balancer, pki, "h2c");
        var client = new Echo.EchoClient(channel);
        using var admin = AdminClient(balancer);
        await Eventually.True(async () => await StateAsync(admin, g1) == "healthy" && await StateAsync(admin, g2) == "healthy",
            "both backends pass the gRPC health check", Within);
        Assert.True(g1.HealthChecks > 0 && g2.HealthChecks > 0, "the checks are grpc.health.v1 calls");
        Assert.Equal(["g1", "g2"], await BackendsAnsweringAsync(client, 10));

        g1.SetServing(false);
        await Eventually.True(async () => await StateAsync(admin, g1) == "unhealthy", "g1 is unhealthy once it reports NOT_SERVING", Within);
        // The routing table follows the backend's state a moment later (the service actor republishes it).
        await Eventually.True(async () => (await BackendsAnsweringAsync(client, 10)).SequenceEqual(["g2"]), "only g2 answers while g1 is out of rotation", Within);

        g1.SetServing(true);
        await Eventually.True(async () => await StateAsync(admin, g1) == "healthy", "g1 is healthy again once it reports SERVING", Within);
        // Back in rotation, though slow start (10 s by default) ramps its share up from nearly nothing.
        await Eventually.True(async () => (await client.UnaryAsync(new EchoRequest())).Backend == "g1", "g1 answers calls again", TimeSpan.FromSeconds(20));
    }

    /// <summary>The balancer with a plain http:// listener (admin API), https:// (a.test's certificate also names 127.0.0.1) and h2c.</summary>
    private static Task<BalancerProcess> StartAsync(EdgeCertificates pki, string services) =>
        BalancerProcess.StartOwnListenersAsync($$"""
            flowbalance {
              listen = ["http://127.0.0.1:0", "https://127.0.0.1:0", { url = "http://127.0.0.1:0", protocols = h2c }]
              {{pki.TlsSection()}}
              services = [
                {{services}}
              ]
            }
            """);

    /// <summary>One catch-all service (the client dials 127.0.0.1, so the Host is an IP) speaking h2c to <paramref name="backend"/>.</summary>
    private static string CatchAll(GrpcBackend backend) => $$"""{ backends = ["{{backend.Url}}"], protocol = h2c, {{NoProbes}} }""";

    /// <summary>A channel to the balancer's h2c listener, or to its HTTPS listener trusting only the edge root.</summary>
    private static GrpcChannel Channel(BalancerProcess balancer, EdgeCertificates pki, string transport) => transport == "h2c"
        ? GrpcChannels.For(balancer.Listener("http", "h2c").ToString())
        : GrpcChannels.For(balancer.Listener("https").ToString(), pki.Root);

    /// <summary>An h2c channel whose :authority is <paramref name="host"/> but which always connects to 127.0.0.1:<paramref name="port"/>.</summary>
    private static GrpcChannel ChannelAs(string host, int port)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return GrpcChannel.ForAddress($"http://{host}:{port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>The distinct backends that answered <paramref name="calls"/> unary calls, sorted.</summary>
    private static async Task<string[]> BackendsAnsweringAsync(Echo.EchoClient client, int calls)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < calls; i++) seen.Add((await client.UnaryAsync(new EchoRequest { Number = i })).Backend);
        return [.. seen];
    }

    private static HttpClient AdminClient(BalancerProcess balancer) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = balancer.Listener("http", ""), Timeout = Within };

    private static async Task<JsonElement> StatusAsync(HttpClient admin)
    {
        using var document = JsonDocument.Parse(await AdminApi.GetStringAsync(admin, "/__lb_admin__/api/v1/status"));
        return document.RootElement.Clone();
    }

    private static JsonElement BackendStatus(JsonElement status, string url) => status.GetProperty("services").EnumerateArray()
        .SelectMany(s => s.GetProperty("backends").EnumerateArray())
        .First(b => b.GetProperty("url").GetString() == $"{url}/");

    private static async Task<string?> StateAsync(HttpClient admin, GrpcBackend backend) =>
        BackendStatus(await StatusAsync(admin), backend.Url).GetProperty("state").GetString();
}
