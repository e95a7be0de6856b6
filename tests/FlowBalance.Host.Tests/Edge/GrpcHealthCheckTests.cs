using FlowBalance.Actors.Health;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>The gRPC health probe (FlowBalance.Actors) against real backends: gRPC over h2c and TLS, HTTP/1.1, a dead port.</summary>
public sealed class GrpcHealthCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Probe_follows_the_serving_status_of_the_server_and_of_a_named_service()
    {
        await using var backend = await GrpcBackend.StartAsync("g1");
        using var prober = new HttpHealthProber();
        var url = new Uri(backend.Url);
        var echo = ProbeTarget.ForGrpc(GrpcBackend.EchoServiceName);

        var up = await prober.ProbeAsync(url, ProbeTarget.ForGrpc(), Timeout, CancellationToken.None);
        Assert.Equal((true, "grpc health: SERVING", ProbeMode.Grpc), (up.Healthy, up.Detail, up.Target.Mode));

        backend.SetServing(false, GrpcBackend.EchoServiceName);
        var down = await prober.ProbeAsync(url, echo, Timeout, CancellationToken.None);
        Assert.Equal((false, "grpc health: NOT_SERVING", echo), (down.Healthy, down.Detail, down.Target));
        Assert.True((await prober.ProbeAsync(url, ProbeTarget.ForGrpc(), Timeout, CancellationToken.None)).Healthy);

        backend.SetServing(true, GrpcBackend.EchoServiceName);
        Assert.True((await prober.ProbeAsync(url, echo, Timeout, CancellationToken.None)).Healthy);
        Assert.Equal(4, backend.HealthChecks);
    }

    [Fact]
    public async Task Probe_of_an_unknown_service_or_a_server_without_health_fails_with_the_grpc_status()
    {
        await using var backend = await GrpcBackend.StartAsync("g1");
        await using var bare = await GrpcBackend.StartAsync("bare", healthService: false);
        using var prober = new HttpHealthProber();

        var unknown = await prober.ProbeAsync(new Uri(backend.Url), ProbeTarget.ForGrpc("no.such.Service"), Timeout, CancellationToken.None);
        Assert.False(unknown.Healthy);
        Assert.StartsWith("grpc-status 5 (NOT_FOUND)", unknown.Detail);

        var none = await prober.ProbeAsync(new Uri(bare.Url), ProbeTarget.ForGrpc(), Timeout, CancellationToken.None);
        Assert.False(none.Healthy);
        Assert.StartsWith("grpc-status 12 (UNIMPLEMENTED)", none.Detail);
    }

    [Fact]
    public async Task Check_over_tls_negotiates_h2_with_a_client_that_defaults_to_http11()
    {
        var ca = TestCertificates.CreateCa(); // not disposed: the handler checks chains against it
        await using var backend = await GrpcBackend.StartAsync("tls", TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1"));
        using var client = new HttpClient(TestCertificates.TrustingHandler(ca));

        var result = await GrpcHealthCheck.CheckAsync(client, new Uri(backend.Url), "", Timeout, CancellationToken.None);

        Assert.Equal((true, "grpc health: SERVING"), (result.Healthy, result.Detail));
        Assert.Equal(1, backend.HealthChecks);
    }

    [Fact]
    public async Task Probe_of_a_plain_http11_backend_or_a_dead_port_is_unhealthy_with_a_reason()
    {
        await using var web = await TestBackend.StartAsync("web");
        using var prober = new HttpHealthProber();

        var http11 = await prober.ProbeAsync(new Uri(web.Url), ProbeTarget.ForGrpc(), Timeout, CancellationToken.None);
        Assert.False(http11.Healthy);
        Assert.StartsWith("gRPC health probe failed: ", http11.Detail);
        Assert.Contains("HTTP_1_1_REQUIRED", http11.Detail); // Kestrel's HTTP/1.1-only port answers the h2 preface with GOAWAY

        var dead = await prober.ProbeAsync(new Uri($"http://127.0.0.1:{Ports.Refusing()}"), ProbeTarget.ForGrpc(), Timeout, CancellationToken.None);
        Assert.False(dead.Healthy);
        Assert.Contains("refused", dead.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, web.Requests);
    }
}
