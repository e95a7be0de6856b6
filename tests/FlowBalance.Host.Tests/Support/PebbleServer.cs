using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FlowBalance.Host.Edge.Acme;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A real ACME server: Debian's pebble, with pebble-challtestsrv as its DNS (every name is
/// 127.0.0.1), all on free loopback ports. HTTP-01 is validated at 127.0.0.1:<c>httpPort</c>.
/// Pebble's HTTPS certificate is made here (the package ships none); <see cref="CaPemPath"/> is
/// what a <c>ca_file</c> points at. Pebble keeps everything in memory: after <see cref="StopAsync"/>
/// and <see cref="StartAsync"/> its accounts, orders and roots are new. Both processes die on dispose.
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("flowbalance-pebble-");
    private readonly Dictionary<string, string> _environment;
    private readonly int _dnsPort = Ports.Refusing(), _challtestManagementPort = Ports.Refusing();
    private readonly int _listenPort = Ports.Refusing(), _managementPort = Ports.Refusing();
    private readonly HttpClient _management;
    private Process? _pebble, _challtestsrv;

    private PebbleServer(int httpPort, Dictionary<string, string> environment)
    {
        HttpPort = httpPort;
        _environment = environment;
        using var ca = TestCertificates.CreateCa("FlowBalance test pebble CA");
        using var leaf = TestCertificates.CreateLeaf(ca, "localhost", "127.0.0.1");
        File.WriteAllText(CaPemPath, ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_directory.Path, "cert.pem"), leaf.ExportCertificatePem());
        using var key = leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(Path.Combine(_directory.Path, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ConfigPath, $$"""
            { "pebble": {
                "listenAddress": "127.0.0.1:{{_listenPort}}", "managementListenAddress": "127.0.0.1:{{_managementPort}}",
                "certificate": "{{_directory.Path}}/cert.pem", "privateKey": "{{_directory.Path}}/key.pem",
                "httpPort": {{httpPort}}, "tlsPort": {{Ports.Refusing()}}, "ocspResponderURL": "", "externalAccountBindingRequired": false } }
            """);
        _management = new HttpClient(AcmeHttpHandler.Create(CaPemPath)) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri DirectoryUrl => new($"https://127.0.0.1:{_listenPort}/dir");

    /// <summary>The CA of pebble's own HTTPS listener (not of the certificates it issues: see <see cref="GetRootAsync"/>).</summary>
    public string CaPemPath => Path.Combine(_directory.Path, "ca.pem");

    public int HttpPort { get; }

    /// <summary>Everything pebble and challtestsrv printed, for failure messages.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    private string ConfigPath => Path.Combine(_directory.Path, "pebble-config.json");

    /// <param name="httpPort">where pebble validates HTTP-01 (the balancer's plain-HTTP port)</param>
    /// <param name="nonceRejectPercent">PEBBLE_WFE_NONCEREJECT; null keeps pebble's 5 % (exercises badNonce retries)</param>
    /// <param name="authzReusePercent">PEBBLE_AUTHZREUSE; null keeps pebble's 50 %</param>
    public static async Task<PebbleServer> StartAsync(int httpPort, int? nonceRejectPercent = null, int? authzReusePercent = null)
    {
        var environment = new Dictionary<string, string> { ["PEBBLE_VA_NOSLEEP"] = "1" };
        if (nonceRejectPercent is { } reject) environment["PEBBLE_WFE_NONCEREJECT"] = reject.ToString();
        if (authzReusePercent is { } reuse) environment["PEBBLE_AUTHZREUSE"] = reuse.ToString();
        var server = new PebbleServer(httpPort, environment);
        try
        {
            server._challtestsrv = Launch("/usr/bin/pebble-challtestsrv", server.Output, [], null,
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", $"127.0.0.1:{server._dnsPort}",
                "-management", $"127.0.0.1:{server._challtestManagementPort}", "-http01", "", "-https01", "", "-tlsalpn01", "");
            await Eventually.True(() => Accepts(server._challtestManagementPort), "pebble-challtestsrv listens", StartTimeout);
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts pebble (again) on the same ports; returns once it listens.</summary>
    public async Task StartAsync()
    {
        if (_pebble is not null) throw new InvalidOperationException("pebble is already running");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pebble = Launch("/usr/bin/pebble", Output, _environment, line =>
        {
            if (line.Contains("Listening on")) listening.TrySetResult();
        }, "-config", ConfigPath, "-dnsserver", $"127.0.0.1:{_dnsPort}");
        var exited = _pebble.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(StartTimeout));
        if (first != listening.Task)
        {
            throw new InvalidOperationException($"pebble did not start ({(first == exited ? "it exited" : "timed out")}):\n{string.Join('\n', Output)}");
        }
        // The line is logged just before the listeners bind.
        await Eventually.True(() => Accepts(_listenPort) && Accepts(_managementPort), "pebble accepts connections", StartTimeout);
    }

    /// <summary>Kills pebble (the ACME server is down); challtestsrv keeps running.</summary>
    public async Task StopAsync()
    {
        if (_pebble is not { } pebble) return;
        _pebble = null;
        await Kill(pebble);
    }

    /// <summary>The root that signs what pebble issues; new at every start.</summary>
    public async Task<X509Certificate2> GetRootAsync() =>
        X509Certificate2.CreateFromPem(await _management.GetStringAsync(new Uri($"https://127.0.0.1:{_managementPort}/roots/0")));

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_challtestsrv is { } challtestsrv) await Kill(challtestsrv);
        _management.Dispose();
        _directory.Dispose();
    }

    private static Process Launch(string binary, ConcurrentQueue<string> output, Dictionary<string, string> environment, Action<string>? onLine, params string[] arguments)
    {
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is not installed (apt-get install pebble)");
        var start = new ProcessStartInfo(binary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        DataReceivedEventHandler received = (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue($"{Path.GetFileName(binary)}: {e.Data}");
            onLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += received;
        process.ErrorDataReceived += received;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
