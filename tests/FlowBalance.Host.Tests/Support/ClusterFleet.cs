using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// Real FlowBalance processes forming a cluster on loopback: one shared self-signed certificate (as the README
/// says to make), a remoting port each, the same ordered seed list on every node, short failure detection.
/// </summary>
public sealed class ClusterFleet : IAsyncDisposable
{
    private readonly TempDirectory _folder = new("flowbalance-cluster");
    private readonly List<BalancerProcess?> _nodes = [];

    private ClusterFleet(string backend, int[] ports, string[] regions)
    {
        Backend = backend;
        Ports = ports;
        Regions = regions;
        (Certificate, Key) = WriteCertificate(_folder.Path, "cluster");
        _nodes.AddRange(ports.Select(_ => (BalancerProcess?)null));
    }

    public string Backend { get; }
    public int[] Ports { get; }
    public string[] Regions { get; }
    public string Certificate { get; }
    public string Key { get; }

    public BalancerProcess this[int index] => _nodes[index] ?? throw new InvalidOperationException($"node-{index + 1} is not running");

    /// <summary>Nodes <c>node-1</c>… in <paramref name="regions"/> (one entry per node); the first two are the seeds.</summary>
    public static async Task<ClusterFleet> StartAsync(string backend, params string[] regions)
    {
        var fleet = new ClusterFleet(backend, [.. regions.Select(_ => Support.Ports.Refusing())], regions);
        await Task.WhenAll(Enumerable.Range(0, regions.Length).Select(fleet.StartNodeAsync));
        return fleet;
    }

    public string Config(int index, string? certificate = null, string? key = null) => $$"""
        flowbalance {
          backends = ["{{Backend}}"]
          cluster {
            enabled = true, region = "{{Regions[index]}}", node_name = "node-{{index + 1}}"
            bind = "127.0.0.1:{{Ports[index]}}"
            seeds = [{{string.Join(", ", Ports.Take(2).Select(p => $"\"127.0.0.1:{p}\""))}}]
            tls { certificate = "{{certificate ?? Certificate}}", key = "{{key ?? Key}}" }
            stable_after = 2s
          }
        }
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        """;

    public async Task StartNodeAsync(int index)
    {
        _nodes[index] = await BalancerProcess.StartAsync(Config(index));
    }

    /// <summary>Stops node <paramref name="index"/> (kill -9 when <paramref name="crash"/>, else SIGTERM and its exit code).</summary>
    public async Task<int?> StopNodeAsync(int index, bool crash)
    {
        var node = this[index];
        _nodes[index] = null;
        if (crash)
        {
            System.Diagnostics.Process.Start("kill", ["-KILL", node.ProcessId.ToString()])!.WaitForExit();
            await node.DisposeAsync();
            return null;
        }
        node.Terminate();
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await node.DisposeAsync();
        return exit;
    }

    /// <summary>The <c>nodes</c> of node <paramref name="index"/>'s status API.</summary>
    public static async Task<List<JsonElement>> NodesAsync(BalancerProcess node)
    {
        using var client = node.CreateClient();
        var status = await AdminApi.GetJsonAsync(client, "/__lb_admin__/api/v1/status");
        return [.. status.GetProperty("nodes").EnumerateArray()];
    }

    /// <summary>"node-1 eu up, node-2 eu up": names, regions and states, for asserting a membership in one line.</summary>
    public static string Describe(IEnumerable<JsonElement> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.GetProperty("name").GetString()} {n.GetProperty("region").GetString()} {n.GetProperty("status").GetString()}"));

    /// <summary>A self-signed RSA certificate and its key as PEM files, as <c>openssl req -x509 …</c> makes them.</summary>
    public static (string Cert, string Key) WriteCertificate(string folder, string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=flowbalance-cluster", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var (cert, key) = (Path.Combine(folder, name + ".pem"), Path.Combine(folder, name + ".key"));
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.OfType<BalancerProcess>()) await node.DisposeAsync();
        _folder.Dispose();
    }
}
