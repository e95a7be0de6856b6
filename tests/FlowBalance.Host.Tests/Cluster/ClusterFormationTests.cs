using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests.Cluster;

/// <summary>
/// Three real FlowBalance processes on loopback in two regions form one cluster over mutual TLS; a node that
/// stops leaves, a crashed one is downed by the split-brain resolver and rejoins when it comes back; a stranger
/// with another certificate never joins; and a single node opens no cluster port at all.
/// </summary>
public sealed class ClusterFormationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(60);

    private string _lastSeen = "";

    private async Task<bool> SeesAsync(BalancerProcess node, string expected) =>
        (_lastSeen = ClusterFleet.Describe(await ClusterFleet.NodesAsync(node))) == expected;

    /// <summary>Waits until <paramref name="node"/> sees exactly <paramref name="expected"/>; a timeout says what it saw last.</summary>
    private async Task UntilSeesAsync(BalancerProcess node, string expected, string what, TimeSpan within)
    {
        try
        {
            await Eventually.True(() => SeesAsync(node, expected), what, within);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; last seen: {_lastSeen}", timeout);
        }
    }

    [Fact]
    public async Task Three_nodes_in_two_regions_form_one_cluster_leave_and_are_downed_and_rejoin()
    {
        await using var backend = await TestBackend.StartAsync("served");
        var clock = Stopwatch.StartNew();
        void Mark(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {what}");
        await using var fleet = await ClusterFleet.StartAsync(backend.Url, "eu", "eu", "us");
        Mark("three processes listening");
        const string all = "node-1 eu up, node-2 eu up, node-3 us up";
        for (var i = 0; i < 3; i++)
        {
            var node = fleet[i];
            await UntilSeesAsync(node, all, $"node-{i + 1} sees all three Up", Formation);
        }
        Mark("all three Up on every node");
        Assert.Contains($"  cluster: node node-3 in us at 127.0.0.1:{fleet.Ports[2]} (TLS, pinned certificate), seeds 127.0.0.1:{fleet.Ports[0]}, 127.0.0.1:{fleet.Ports[1]}", fleet[2].Output);
        var nodes = await ClusterFleet.NodesAsync(fleet[0]);
        Assert.All(nodes, n => Assert.StartsWith("127.0.0.1:", n.GetProperty("address").GetString()));
        // Each node's summary (its revision, its req/s) reaches the others through Akka.DistributedData, with our serializer.
        await Eventually.True(async () => (await ClusterFleet.NodesAsync(fleet[0])).All(n => n.GetProperty("revision").ValueKind == JsonValueKind.Number
            && n.TryGetProperty("requests_per_second", out _)), "node-1 knows every node's revision", TimeSpan.FromSeconds(20));
        await Eventually.True(async () => (await ClusterFleet.NodesAsync(fleet[2])).All(n => n.GetProperty("revision").ValueKind == JsonValueKind.Number),
            "node-3 knows every node's revision", TimeSpan.FromSeconds(20));
        Assert.All(await ClusterFleet.NodesAsync(fleet[2]), n => Assert.Equal(1, n.GetProperty("revision").GetInt64()));
        Mark("every node's summary on node-1");
        using var healthz = await fleet[2].CreateClient().GetAsync("/__lb_admin__/healthz");
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal("up", JsonDocument.Parse(await healthz.Content.ReadAsStringAsync()).RootElement.GetProperty("cluster").GetString());
        Assert.Equal("served", await fleet[0].CreateClient().GetStringAsync("/"));

        // SIGTERM: the node leaves gracefully (exit 0) and the others see it gone.
        Assert.Equal(0, await fleet.StopNodeAsync(2, crash: false));
        await UntilSeesAsync(fleet[0], "node-1 eu up, node-2 eu up", "node-3 left", TimeSpan.FromSeconds(20));
        Mark("node-3 stopped (SIGTERM) and gone from node-1's view");

        // Back, then kill -9: unreachable, then downed by the majority (stable_after 2 s), and the data plane of the others never noticed.
        await fleet.StartNodeAsync(2);
        await UntilSeesAsync(fleet[0], all, "node-3 rejoined", Formation);
        Mark("node-3 restarted and Up");
        await fleet.StopNodeAsync(2, crash: true);
        Mark("node-3 killed (-9)");
        await Eventually.True(async () => (await ClusterFleet.NodesAsync(fleet[0])).Any(n => n.GetProperty("status").GetString() == "unreachable"), "node-3 unreachable", TimeSpan.FromSeconds(20));
        Mark("node-3 unreachable on node-1");
        await UntilSeesAsync(fleet[0], "node-1 eu up, node-2 eu up", "node-3 downed and removed", TimeSpan.FromSeconds(30));
        Mark("node-3 downed by the resolver and removed");
        Assert.Equal("served", await fleet[1].CreateClient().GetStringAsync("/"));
        await fleet.StartNodeAsync(2);
        await UntilSeesAsync(fleet[1], all, "node-3 rejoined after its crash", Formation);
        Mark("node-3 restarted after its crash and Up");
    }

    [Fact]
    public async Task A_node_the_others_downed_keeps_serving_and_rejoins_as_a_new_incarnation()
    {
        await using var backend = await TestBackend.StartAsync("kept");
        await using var fleet = await ClusterFleet.StartAsync(backend.Url, "eu", "eu", "us");
        const string all = "node-1 eu up, node-2 eu up, node-3 us up";
        await UntilSeesAsync(fleet[0], all, "all three Up", Formation);
        await UntilSeesAsync(fleet[2], all, "node-3 sees all three", Formation);

        // Frozen (SIGSTOP) past the failure detector and stable_after: the majority downs node-3 and removes it.
        System.Diagnostics.Process.Start("kill", ["-STOP", fleet[2].ProcessId.ToString()])!.WaitForExit();
        try
        {
            await UntilSeesAsync(fleet[0], "node-1 eu up, node-2 eu up", "the majority downs the frozen node-3", TimeSpan.FromSeconds(40));
        }
        finally
        {
            System.Diagnostics.Process.Start("kill", ["-CONT", fleet[2].ProcessId.ToString()])!.WaitForExit();
        }

        // Thawed, it learns it was downed: its clustered actor system ends, the process and its data plane do not.
        using var client = fleet[2].CreateClient();
        await Eventually.True(() => fleet[2].Output.Contains("cluster: membership of incarnation 1 ended"), "node-3's first membership ends", TimeSpan.FromSeconds(30));
        Assert.Equal("kept", await client.GetStringAsync("/"));
        using (var healthz = await client.GetAsync("/__lb_admin__/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode); // it caught up before: it stays in DNS while it rejoins
        }
        await UntilSeesAsync(fleet[0], all, "node-3 is back as a new incarnation", Formation);
        Assert.Contains("cluster: incarnation 2 at 127.0.0.1:", fleet[2].Output);
        Assert.Equal("kept", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_node_with_another_certificate_is_refused_in_the_handshake_and_never_joins()
    {
        await using var backend = await TestBackend.StartAsync("guarded");
        await using var fleet = await ClusterFleet.StartAsync(backend.Url, "eu", "eu");
        await UntilSeesAsync(fleet[0], "node-1 eu up, node-2 eu up", "the two nodes form a cluster", Formation);

        using var other = new TempDirectory("flowbalance-stranger");
        var (cert, key) = ClusterFleet.WriteCertificate(other.Path, "stranger"); // same subject, another key
        var strangerConfig = fleet.Config(0, cert, key)
            .Replace($"bind = \"127.0.0.1:{fleet.Ports[0]}\"", $"bind = \"127.0.0.1:{Ports.Refusing()}\"")
            .Replace("node_name = \"node-1\"", "node_name = \"stranger\"");
        await using var stranger = await BalancerProcess.StartAsync(strangerConfig);

        await Eventually.True(() => fleet[0].Output.Contains("Certificate pinning failed"), "node-1 refuses the stranger's certificate", Formation);
        Assert.Equal("node-1 eu up, node-2 eu up", ClusterFleet.Describe(await ClusterFleet.NodesAsync(fleet[0])));
        Assert.Equal("stranger eu joining", ClusterFleet.Describe(await ClusterFleet.NodesAsync(stranger)));
        using var healthz = await stranger.CreateClient().GetAsync("/__lb_admin__/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode); // never caught up with a cluster: not ready
        Assert.Equal("guarded", await stranger.CreateClient().GetStringAsync("/")); // its own data plane still serves
    }

    [Fact]
    public async Task A_cluster_port_in_use_stops_startup_with_one_line()
    {
        using var folder = new TempDirectory("flowbalance-cluster-port");
        var (cert, key) = ClusterFleet.WriteCertificate(folder.Path, "cluster");
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var file = new TempConfigFile($$"""
            flowbalance {
              demo_backends = 1
              cluster { enabled = true, bind = "127.0.0.1:{{port}}", seeds = ["127.0.0.1:{{port}}"], tls { certificate = "{{cert}}", key = "{{key}}" } }
            }
            """);

        var (exit, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]);

        Assert.Equal(1, exit);
        Assert.Contains($"flowbalance: cannot listen for the cluster on 127.0.0.1:{port} (cluster.bind): Address already in use", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_single_node_opens_no_cluster_port()
    {
        await using var backend = await TestBackend.StartAsync("alone");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"] }""");

        var ports = ListeningPorts(balancer.ProcessId);
        Assert.Equal([balancer.BaseAddress.Port], ports);
        var nodes = await ClusterFleet.NodesAsync(balancer);
        Assert.Equal("up", Assert.Single(nodes).GetProperty("status").GetString());
        Assert.DoesNotContain("Akka.Remote", string.Join(",", AppDomainAssemblies(balancer)));
    }

    /// <summary>The TCP ports a process listens on, from /proc: its socket inodes matched against the kernel's LISTEN sockets.</summary>
    private static int[] ListeningPorts(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
            .OfType<string>().Where(t => t.StartsWith("socket:[", StringComparison.Ordinal)).Select(t => t[8..^1]).ToHashSet();
        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => Convert.ToInt32(f[1].Split(':')[1], 16)).Distinct().Order()];
    }

    /// <summary>The Akka assemblies the process has mapped (from /proc/PID/maps: a loaded assembly is a mapped file).</summary>
    private static IEnumerable<string> AppDomainAssemblies(BalancerProcess balancer) =>
        File.ReadLines($"/proc/{balancer.ProcessId}/maps").Where(l => l.Contains("Akka.", StringComparison.Ordinal)).Select(l => Path.GetFileName(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])).Distinct();
}
