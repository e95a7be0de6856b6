using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// The real FlowBalance host as a child process on an ephemeral loopback port. Output is captured
/// so a failing test shows what the balancer printed.
/// </summary>
public sealed partial class BalancerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TempConfigFile? _config;

    private BalancerProcess(Process process, TempConfigFile? config)
    {
        _process = process;
        _config = config;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every listener the banner names, in the order of <c>listen</c>, with what it serves ("" for HTTP/1.1, "h2c", "HTTP/1.1 + HTTP/2").</summary>
    public IReadOnlyList<(Uri Address, string Protocols)> Listeners
    {
        get
        {
            lock (_output) return [.. _listeners];
        }
    }

    private readonly List<(Uri, string)> _listeners = [];

    /// <summary>The config file the balancer runs on (rewrite it to test reloading).</summary>
    public string ConfigFile => _config?.Path ?? throw new InvalidOperationException("started without a config file");

    public int ProcessId => _process.Id;

    /// <summary>The balancer's resident memory (VmRSS from /proc/PID/status), in MiB.</summary>
    public long ResidentMiB
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) / 1024;
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stopping the balancer does.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();

    /// <summary>The exit code once the balancer has exited, or null if it is still running after <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return _process.ExitCode;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Writes <paramref name="config"/> to a temp file and starts the host on it, listening on 127.0.0.1:0.</summary>
    public static async Task<BalancerProcess> StartAsync(string config, IDictionary<string, string>? environment = null)
    {
        var file = new TempConfigFile(config);
        var balancer = Launch(["--config", file.Path, "--listen", "http://127.0.0.1:0"], environment, file);
        await balancer.WaitUntilListeningAsync();
        return balancer;
    }

    /// <summary>Starts the host on <paramref name="config"/> with the file's own <c>listen</c> (use port 0: see <see cref="Listeners"/>).</summary>
    public static async Task<BalancerProcess> StartOwnListenersAsync(string config, IDictionary<string, string>? environment = null)
    {
        var file = new TempConfigFile(config);
        var balancer = Launch(["--config", file.Path], environment, file);
        await balancer.WaitUntilListeningAsync();
        return balancer;
    }

    /// <summary>Starts the host with exactly <paramref name="args"/> and waits until it listens.</summary>
    public static async Task<BalancerProcess> StartWithArgumentsAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        var balancer = Launch(args, environment, config: null);
        await balancer.WaitUntilListeningAsync();
        return balancer;
    }

    /// <summary>The listener with <paramref name="scheme"/> (and, if given, <paramref name="protocols"/>).</summary>
    public Uri Listener(string scheme, string? protocols = null) =>
        Listeners.First(l => l.Address.Scheme == scheme && (protocols is null || l.Protocols == protocols)).Address;

    /// <summary>Runs the host with <paramref name="args"/> until it exits; for configurations that must be refused.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string[] args, IDictionary<string, string>? environment = null)
    {
        await using var balancer = Launch(args, environment, config: null);
        if (await balancer.WaitForExitAsync(StartupDeadline) is not { } exitCode)
            throw new TimeoutException("the host did not exit; output:\n" + balancer.Output);
        balancer._process.WaitForExit(); // flushes the redirected output
        return (exitCode, balancer.Output);
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private const string AdminTokenVariable = "FLOWBALANCE_ADMIN_TOKEN";

    private static BalancerProcess Launch(string[] args, IDictionary<string, string>? environment, TempConfigFile? config)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(HostBinary.DllPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("DEFAULT_BACKENDS");
        start.Environment[AdminTokenVariable] = AdminApi.Token; // a test's environment may replace it ("" counts as unset)
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var balancer = new BalancerProcess(process, config);
        process.OutputDataReceived += (_, e) => balancer.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => balancer.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return balancer;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        var match = ListeningLine().Match(line);
        lock (_output)
        {
            _output.AppendLine(line);
            if (match.Success) _listeners.Add((new Uri(match.Groups[1].Value), match.Groups[2].Value));
        }
        // The banner lists every listener before its "config:" line; as a JSON entry it is one line.
        if (_listeners.Count > 0 && (line.StartsWith("  config:", StringComparison.Ordinal) || match.Success && line.StartsWith('{')))
        {
            _listening.TrySetResult(Listeners[0].Address.ToString());
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(StartupDeadline));
        if (first != _listening.Task)
        {
            throw new InvalidOperationException($"the balancer did not start listening (exited: {_process.HasExited}); output:\n{Output}");
        }
        BaseAddress = new Uri(await _listening.Task);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _config?.Dispose();
    }

    // The banner's first line, or (log.format = json) the banner entry's message.
    [GeneratedRegex(@"^(?:FlowBalance|\{.*""message"":""FlowBalance) listening on (http[^\s|"",]+)(?: \(([^)]+)\))?")]
    private static partial Regex ListeningLine();
}
