using FlowBalance.Host.Tests.Protos;
using FlowBalance.Host.Tests.Support;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>The gRPC test backend on its own, client to backend: proves the fixture the balancer tests rely on.</summary>
public sealed class GrpcBackendTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task All_four_call_kinds_reach_the_backend_over_http2(bool tls)
    {
        var (backend, channel) = await StartAsync(tls);
        await using var _ = backend;
        using var __ = channel;
        var client = new Echo.EchoClient(channel);

        var unary = await client.UnaryAsync(new EchoRequest { Text = "hi", Number = 7 });
        Assert.Equal(("hi", 7L, "b1", "HTTP/2"), (unary.Text, unary.Number, unary.Backend, unary.Protocol));

        using var server = client.ServerStream(new StreamRequest { Text = "s", Count = 3, DelayMs = 10 });
        var indexes = await server.ResponseStream.ReadAllAsync().Select(r => r.Index).ToListAsync();
        Assert.Equal([0, 1, 2], indexes);

        using var upload = client.ClientStream();
        foreach (var n in new[] { 1, 2, 3 }) await upload.RequestStream.WriteAsync(new EchoRequest { Text = $"{n}", Number = n });
        await upload.RequestStream.CompleteAsync();
        var sum = await upload;
        Assert.Equal((6L, "123", 3, "HTTP/2"), (sum.Sum, sum.Joined, sum.Count, sum.Protocol));

        using var bidi = client.Bidi();
        foreach (var text in new[] { "a", "b" })
        {
            await bidi.RequestStream.WriteAsync(new EchoRequest { Text = text });
            Assert.True(await bidi.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(text, bidi.ResponseStream.Current.Text); // answered before the next message is sent
        }
        await bidi.RequestStream.CompleteAsync();
        Assert.False(await bidi.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(4, backend.Calls);
        Assert.Equal(1, backend.CallsTo("Bidi"));
    }

    [Fact]
    public async Task Fail_arrives_with_its_status_detail_and_trailer()
    {
        var (backend, channel) = await StartAsync(tls: false);
        await using var _ = backend;
        using var __ = channel;
        var client = new Echo.EchoClient(channel);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.FailAsync(
            new FailRequest { Code = (int)StatusCode.NotFound, Detail = "nope", TrailerKey = "x-why", TrailerValue = "because" }));
        Assert.Equal((StatusCode.NotFound, "nope", "because"), (e.StatusCode, e.Status.Detail, e.Trailers.GetValue("x-why")));

        using var stream = client.ServerStream(new StreamRequest { Count = 2, FailCode = (int)StatusCode.ResourceExhausted });
        var read = 0;
        var late = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in stream.ResponseStream.ReadAllAsync()) read++; });
        Assert.Equal((2, StatusCode.ResourceExhausted), (read, late.StatusCode));
    }

    [Fact]
    public async Task A_passed_deadline_fails_the_call_and_cancels_it_on_the_backend()
    {
        var (backend, channel) = await StartAsync(tls: false);
        await using var _ = backend;
        using var __ = channel;
        var client = new Echo.EchoClient(channel);
        // Warm (connection, JIT) first: a cold first call could outlive a short deadline before reaching the backend.
        await client.UnaryAsync(new EchoRequest());

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.SleepAsync(new SleepRequest { SleepMs = 30_000 }, deadline: DateTime.UtcNow.AddSeconds(1)));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        await Eventually.True(() => backend.Echo.SleepsCancelled == 1,
            $"the backend's call was cancelled (calls {backend.CallsTo("Sleep")}, completed {backend.Echo.SleepsCompleted})", TimeSpan.FromSeconds(10));
        Assert.Equal(0, backend.Echo.SleepsCompleted);
    }

    [Fact]
    public async Task Health_answers_what_the_test_sets_overall_and_per_service()
    {
        var (backend, channel) = await StartAsync(tls: true);
        await using var _ = backend;
        using var __ = channel;
        var health = new Health.HealthClient(channel);
        async Task<HealthCheckResponse.Types.ServingStatus> Check(string service) =>
            (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status;

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Check(""));
        backend.SetServing(false);
        backend.SetServing(false, GrpcBackend.EchoServiceName);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await Check(""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await Check(GrpcBackend.EchoServiceName));
        backend.SetServing(true);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await Check(""));

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Check("no.such.Service"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(5, backend.HealthChecks);
        Assert.Equal(0, backend.Calls);
    }

    [Fact]
    public async Task Killing_the_backend_mid_stream_fails_the_stream_at_the_client()
    {
        var (backend, channel) = await StartAsync(tls: false);
        await using var _ = backend;
        using var __ = channel;
        var client = new Echo.EchoClient(channel);
        using var stream = client.ServerStream(new StreamRequest { Count = 10_000, DelayMs = 20 });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));

        await backend.KillAsync();

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await stream.ResponseStream.MoveNext(deadline.Token)) { }
        });
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
    }

    private static async Task<(GrpcBackend Backend, GrpcChannel Channel)> StartAsync(bool tls)
    {
        if (!tls)
        {
            var plain = await GrpcBackend.StartAsync("b1");
            return (plain, GrpcChannels.For(plain.Url));
        }
        var ca = TestCertificates.CreateCa(); // not disposed: the client handler checks chains against it
        var backend = await GrpcBackend.StartAsync("b1", TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1"));
        return (backend, GrpcChannels.For(backend.Url, ca));
    }
}
