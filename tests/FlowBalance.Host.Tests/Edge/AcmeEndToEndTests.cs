using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>tls.acme in the running balancer against a real ACME server (pebble) on loopback: HTTP-01 answered on its own port.</summary>
public sealed class AcmeEndToEndTests
{
    private static string Config(PebbleServer pebble, TestBackend backend, string storage, string hosts = "") => $$"""
        flowbalance {
          listen = ["http://127.0.0.1:{{pebble.HttpPort}}", "https://127.0.0.1:0"]
          tls {
            acme { email = "ops@example.com", directory = "{{pebble.DirectoryUrl}}", ca_file = "{{pebble.CaPemPath}}", storage = "{{storage}}" {{hosts}} }
          }
          services = [{ hostname = "app.test", backends = ["{{backend.Url}}"] }]
        }
        """;

    [Fact]
    public async Task A_certificate_is_obtained_from_nothing_served_at_once_and_reused_after_a_restart()
    {
        await using var pebble = await PebbleServer.StartAsync(Ports.Refusing());
        await using var backend = await TestBackend.StartAsync("acme-backend");
        using var storage = new TempDirectory("flowbalance-acme-storage");
        X509Certificate2 issued;
        await using (var balancer = await BalancerProcess.StartOwnListenersAsync(Config(pebble, backend, storage.Path)))
        {
            using var plain = LoopbackClients.Create(pebble.HttpPort);
            Assert.Equal("acme-backend", await plain.GetStringAsync($"http://app.test:{pebble.HttpPort}/")); // plain HTTP serves meanwhile

            var issuedEvent = await WaitForEvent(balancer, "certificate.issued");
            var port = balancer.Listener("https").Port;
            var root = await pebble.GetRootAsync();
            var handshake = await TlsHandshake.WithAsync(port, "app.test");
            issued = handshake.Certificate;
            using var secure = LoopbackClients.Create(port, root);

            Assert.Equal("app.test", issuedEvent.GetProperty("hosts")[0].GetString());
            Assert.Equal("CN=app.test", handshake.Subject);
            Assert.Contains("Pebble Intermediate", handshake.Certificate.Issuer);
            Assert.Equal("acme-backend", await secure.GetStringAsync($"https://app.test:{port}/")); // the chain verifies to pebble's root
            Assert.True(File.Exists(Path.Combine(storage.Path, "app.test.crt")));
            var metrics = await new HttpClient { BaseAddress = balancer.Listener("http") }.GetStringAsync("/__lb_admin__/metrics");
            Assert.Contains("certificate=\"app.test\",source=\"acme\"}", metrics.Split('\n').Single(l => l.StartsWith("flowbalance_tls_certificate_expiry_timestamp_seconds{", StringComparison.Ordinal)));
        }

        await using var restarted = await BalancerProcess.StartOwnListenersAsync(Config(pebble, backend, storage.Path));
        var loaded = await WaitForEvent(restarted, "certificate.loaded");
        Assert.Equal(Path.Combine(storage.Path, "app.test.crt"), loaded.GetProperty("path").GetString());
        Assert.Equal(issued.Thumbprint, (await TlsHandshake.WithAsync(restarted.Listener("https").Port, "app.test")).Certificate.Thumbprint);
        Assert.Empty(await Events(restarted, "certificate.issued"));
    }

    [Fact]
    public async Task A_failing_challenge_is_reported_with_the_servers_reason_and_plain_http_keeps_serving()
    {
        // pebble validates on a port nobody listens on: every HTTP-01 challenge fails.
        await using var pebble = await PebbleServer.StartAsync(Ports.Refusing());
        await using var backend = await TestBackend.StartAsync("acme-failing");
        using var storage = new TempDirectory("flowbalance-acme-storage");
        var config = Config(pebble, backend, storage.Path).Replace($"http://127.0.0.1:{pebble.HttpPort}", "http://127.0.0.1:0");
        await using var balancer = await BalancerProcess.StartOwnListenersAsync(config);

        var failed = await WaitForEvent(balancer, "certificate.failed");
        Assert.Contains("connection refused", failed.GetProperty("reason").GetString());
        Assert.Equal("error", failed.GetProperty("severity").GetString());
        using var plain = LoopbackClients.Create(balancer.Listener("http").Port);
        Assert.Equal("acme-failing", await plain.GetStringAsync($"http://app.test:{balancer.Listener("http").Port}/"));
        await Assert.ThrowsAnyAsync<Exception>(() => TlsHandshake.WithAsync(balancer.Listener("https").Port, "app.test")); // no certificate yet
    }

    private static async Task<JsonElement> WaitForEvent(BalancerProcess balancer, string type)
    {
        List<JsonElement> found = [];
        await Eventually.True(async () => (found = await Events(balancer, type)).Count > 0, $"{type} is reported; output:\n{balancer.Output}", TimeSpan.FromSeconds(60));
        return found[0];
    }

    private static async Task<List<JsonElement>> Events(BalancerProcess balancer, string type)
    {
        using var admin = new HttpClient { BaseAddress = balancer.Listener("http") };
        return await AdminApi.Items(admin, $"/__lb_admin__/api/v1/events?type={type}");
    }
}
