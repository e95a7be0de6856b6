using System.Diagnostics;
using System.Text.Json;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's package; .ci/run installs it) on loopback, scraping one target every
/// second, with its own temporary storage; stopped and deleted on dispose. With a bearer token it sends
/// <c>Authorization: Bearer</c> on every scrape (its scrape config's <c>authorization</c>), as a scraper
/// outside loopback and <c>metrics.allow</c> must.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    public static string Binary => File.Exists("/usr/bin/prometheus") ? "/usr/bin/prometheus"
        : throw new InvalidOperationException("prometheus is not installed (apt-get install prometheus; .ci/run does it)");

    public static async Task<PrometheusServer> StartAsync(Uri target, string metricsPath, string? bearerToken = null)
    {
        var directory = Directory.CreateTempSubdirectory("flowbalance-prometheus-").FullName;
        var port = Ports.Refusing();
        // A JSON string is a YAML double-quoted scalar: any token goes in as it is.
        var authorization = bearerToken is null ? "" : $"""

                authorization:
                  type: Bearer
                  credentials: {JsonSerializer.Serialize(bearerToken)}
            """;
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: flowbalance
                metrics_path: {metricsPath}{authorization}
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var start = new ProcessStartInfo(Binary,
            [$"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
             $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, port);
        await Eventually.True(async () =>
        {
            try { return (await server._client.GetAsync(new Uri(server.BaseAddress, "-/ready"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "Prometheus is ready", TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>An instant query; the result's series as (labels, value).</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        var json = await _client.GetStringAsync(new Uri(BaseAddress, $"api/v1/query?query={Uri.EscapeDataString(promql)}"));
        using var document = JsonDocument.Parse(json);
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var series in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            result.Add((labels, value));
        }
        return result;
    }

    /// <summary>Whether the last scrape of the target succeeded.</summary>
    public async Task<bool> TargetUpAsync() => (await QueryAsync("up")).Any(s => s.Value == 1);

    /// <summary>
    /// The target's health as Prometheus's targets API reports it ("unknown" before the first scrape, "up", "down")
    /// and the last scrape's error (e.g. "server returned HTTP status 401 Unauthorized"): why a scrape failed, which <c>up</c> does not say.
    /// </summary>
    public async Task<(string Health, string LastError)> TargetAsync()
    {
        var json = await _client.GetStringAsync(new Uri(BaseAddress, "api/v1/targets?state=active"));
        using var document = JsonDocument.Parse(json);
        var targets = document.RootElement.GetProperty("data").GetProperty("activeTargets");
        if (targets.GetArrayLength() == 0) return ("unknown", ""); // not discovered yet
        return (targets[0].GetProperty("health").GetString()!, targets[0].GetProperty("lastError").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _client.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
