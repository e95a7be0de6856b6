using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>Renewed certificate files are served to new handshakes without a restart; open connections keep going; a broken file changes nothing.</summary>
public sealed class CertificateReloadTests
{
    [Fact]
    public async Task A_renewed_file_is_used_for_new_handshakes_while_an_open_connection_keeps_working()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("reload-backend");
        await using var balancer = await pki.StartBalancerAsync(backend);
        var port = balancer.Listener("https").Port;
        var connections = 0;
        using var keepAlive = LoopbackClients.Create(port, pki.Root, onConnect: () => Interlocked.Increment(ref connections));
        Assert.Equal("reload-backend", await keepAlive.GetStringAsync($"https://b.test:{port}/"));
        Assert.Contains("O=v1", (await TlsHandshake.WithAsync(port, "b.test")).Subject);

        pki.Write("b", "v2", "b.test"); // key first, then the certificate renamed into place, as certbot does

        await Eventually.True(async () => (await TlsHandshake.WithAsync(port, "b.test")).Subject.Contains("O=v2"), "a new handshake gets the renewed certificate", TimeSpan.FromSeconds(20));
        Assert.Equal("reload-backend", await keepAlive.GetStringAsync($"https://b.test:{port}/"));
        Assert.Equal(1, connections); // the same connection, still on the old certificate
        var loaded = await Events(balancer, "certificate.loaded");
        Assert.Contains(loaded, e => e.GetProperty("reason").GetString() == "file changed" && e.GetProperty("hosts")[0].GetString() == "b.test");
    }

    [Fact]
    public async Task A_broken_new_file_is_reported_and_the_previous_certificate_stays()
    {
        using var pki = new EdgeCertificates();
        await using var backend = await TestBackend.StartAsync("broken-backend");
        await using var balancer = await pki.StartBalancerAsync(backend);
        var port = balancer.Listener("https").Port;

        await File.WriteAllTextAsync(pki.B.Cert + ".tmp", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        File.Move(pki.B.Cert + ".tmp", pki.B.Cert, overwrite: true);

        await Eventually.True(async () => (await Events(balancer, "certificate.rejected")).Count > 0, "the broken file is reported", TimeSpan.FromSeconds(30));
        var rejected = (await Events(balancer, "certificate.rejected")).Single();
        Assert.Equal(pki.B.Cert, rejected.GetProperty("path").GetString());
        Assert.Contains("holds no PEM certificate", rejected.GetProperty("reason").GetString());
        Assert.Contains("O=v1", (await TlsHandshake.WithAsync(port, "b.test")).Subject);
        using var client = LoopbackClients.Create(port, pki.Root);
        Assert.Equal("broken-backend", await client.GetStringAsync($"https://b.test:{port}/"));
        Assert.Contains("was not used (the previous certificate stays)", balancer.Output);
    }

    private static async Task<List<JsonElement>> Events(BalancerProcess balancer, string type)
    {
        using var admin = new HttpClient { BaseAddress = balancer.Listener("http") };
        return await AdminApi.Items(admin, $"/__lb_admin__/api/v1/events?type={type}");
    }
}
