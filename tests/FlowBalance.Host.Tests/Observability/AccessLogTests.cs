using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The access-log file: every request, written in the background, rotated by size.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task Requests_go_to_the_file_and_it_rotates_keeping_the_configured_number_of_files()
    {
        await using var run = await Run.StartAsync("max_size_mb = 0.01, keep_files = 2");
        var path = run.LogPath;
        using var client = run.Balancer.CreateClient();
        for (var i = 0; i < 200; i++) await client.GetStringAsync($"/item/{i}");

        // The writer rotates right after the line that fills a file, so the newest line may open .1 and leave the new file empty.
        await Eventually.True(() => File.Exists($"{path}.2") && File.ReadLines($"{path}.1").Concat(File.ReadLines(path)).Any(l => l.Contains("/item/199")),
            "the newest request is written and the file rotated twice");
        Assert.False(File.Exists($"{path}.3"), "only keep_files rotated files stay");
        foreach (var file in new[] { path, $"{path}.1", $"{path}.2" })
        {
            Assert.True(new FileInfo(file).Length <= 10_486 + 600, $"{file} is {new FileInfo(file).Length} bytes");
        }
        var lines = File.ReadAllLines($"{path}.1").Concat(File.ReadAllLines(path)).ToList();
        var entry = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(("/item/199", 200, "GET"), (entry.GetProperty("path").GetString(), entry.GetProperty("status").GetInt32(), entry.GetProperty("method").GetString()));
        var numbers = lines.Select(l => int.Parse(JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()!["/item/".Length..])).ToList();
        Assert.Equal(numbers.Order(), numbers); // in order, none twice
    }

    [Fact]
    public async Task The_combined_format_is_what_log_tools_read()
    {
        await using var run = await Run.StartAsync("format = combined");
        using var client = run.Balancer.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/combined?q=1");
        request.Headers.Referrer = new Uri("http://example.test/from");
        request.Headers.UserAgent.ParseAdd("tester/1.0");
        await client.SendAsync(request);

        await Eventually.True(() => File.Exists(run.LogPath) && File.ReadAllText(run.LogPath).Contains("/combined"), "the request is written");
        Assert.Matches(@"^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] ""GET /combined HTTP/1\.1"" 200 \d+ ""http://example\.test/from"" ""tester/1\.0""$",
            File.ReadAllLines(run.LogPath).Single());
    }

    /// <summary>A backend and a balancer writing its access log into a fresh folder; all of it gone on dispose.</summary>
    private sealed class Run(TempDirectory directory, TestBackend backend, BalancerProcess balancer) : IAsyncDisposable
    {
        public BalancerProcess Balancer => balancer;

        public string LogPath => Path.Combine(directory.Path, "access.log");

        public static async Task<Run> StartAsync(string accessLogSettings)
        {
            var directory = new TempDirectory("flowbalance-access-");
            var backend = await TestBackend.StartAsync("a");
            var balancer = await BalancerProcess.StartAsync($$"""
                flowbalance {
                  backends = ["{{backend.Url}}"]
                  access_log { path = "{{Path.Combine(directory.Path, "access.log")}}", {{accessLogSettings}} }
                }
                """);
            return new Run(directory, backend, balancer);
        }

        public async ValueTask DisposeAsync()
        {
            await balancer.DisposeAsync();
            await backend.DisposeAsync();
            directory.Dispose();
        }
    }
}
