using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The access-log file: every request, written in the background, rotated by size.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task Requests_go_to_the_file_and_it_rotates_keeping_the_configured_number_of_files()
    {
        using var directory = new TempDirectory("flowbalance-access-");
        {
            var path = Path.Combine(directory.Path, "access.log");
            await using var a = await TestBackend.StartAsync("a");
            await using var balancer = await BalancerProcess.StartAsync($$"""
                flowbalance {
                  backends = ["{{a.Url}}"]
                  access_log { path = "{{path}}", max_size_mb = 0.01, keep_files = 2 }
                }
                """);
            using var client = balancer.CreateClient();
            for (var i = 0; i < 200; i++) await client.GetStringAsync($"/item/{i}");

            await Eventually.True(() => File.Exists($"{path}.2") && File.ReadLines(path).Any(l => l.Contains("/item/199")), "the newest request is written and the file rotated twice");
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
    }

    [Fact]
    public async Task The_combined_format_is_what_log_tools_read()
    {
        using var directory = new TempDirectory("flowbalance-access-");
        {
            var path = Path.Combine(directory.Path, "access.log");
            await using var a = await TestBackend.StartAsync("a");
            await using var balancer = await BalancerProcess.StartAsync($$"""
                flowbalance {
                  backends = ["{{a.Url}}"]
                  access_log { path = "{{path}}", format = combined }
                }
                """);
            using var client = balancer.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/combined?q=1");
            request.Headers.Referrer = new Uri("http://example.test/from");
            request.Headers.UserAgent.ParseAdd("tester/1.0");
            await client.SendAsync(request);
            await Eventually.True(() => File.Exists(path) && File.ReadAllText(path).Contains("/combined"), "the request is written");
            Assert.Matches(@"^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] ""GET /combined HTTP/1\.1"" 200 \d+ ""http://example\.test/from"" ""tester/1\.0""$",
                File.ReadAllLines(path).Single());
        }
    }
}
