using System.Net;
using System.Text.RegularExpressions;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>A backend that answers with something unusable: the client gets a 502 (not "all backends are down") and the log says why, once.</summary>
public sealed class BadBackendTests
{
    public static TheoryData<string, string, string> Answers => new()
    {
        { "status-line", "HTTP/1.1 2OO OK\nContent-Length: 0\n\n", "invalid response" },
        { "garbage", "SSH-2.0-OpenSSH_9.6\n\n", "invalid response" },
        { "two-lengths", "HTTP/1.1 200 OK\nContent-Length: 2\nContent-Length: 3\n\nok", "invalid response" },
        // An HTTP/2-only (prior knowledge) server: its SETTINGS frame, then GOAWAY (PROTOCOL_ERROR) and close.
        { "http2-only", "\0\0\u0000\u0004\0\0\0\0\0" + "\0\0\u0008\u0007\0\0\0\0\0" + "\0\0\0\0\0\0\0\u0001", "connection closed before a complete response" },
        { "huge-header", $"HTTP/1.1 200 OK\nX-Big: {new string('a', 70 * 1024)}\nContent-Length: 0\n\n", "response headers too large" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task An_unusable_answer_is_a_502_with_one_log_line_naming_backend_and_cause(string name, string answer, string cause)
    {
        using var raw = new RawBackend(_ => RawBackend.Bytes(answer)) { CloseAfterAnswer = true };
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false }
            """);
        using var client = balancer.CreateClient();

        using var response = await client.GetAsync($"/{name}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("All backends are down", body);
        await Eventually.True(() => balancer.Output.Contains($"GET /{name} failed"), "the failure is logged");
        var line = Assert.Single(balancer.Output.Split('\n'), l => l.Contains($"/{name}"));
        Assert.Contains(raw.Url, line);
        Assert.True(line.Contains(cause), $"expected '{cause}' in: {line}");
    }

    [Fact]
    public async Task A_flood_of_failures_logs_at_most_one_line_a_second_per_backend_and_counts_the_rest()
    {
        using var raw = new RawBackend(_ => RawBackend.Bytes("SSH-2.0-OpenSSH_9.6\n\n")) { CloseAfterAnswer = true };
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false, passiveHealthChecks.circuit_breaker.failure_threshold = 1000 }
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 40; i++) Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync($"/flood-{i}")).StatusCode);
        await Task.Delay(1100); // the next line is due only after a second: what this test checks
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/flood-last")).StatusCode);

        await Eventually.True(() => balancer.Output.Contains("GET /flood-last failed"), "the last failure is logged");
        var lines = balancer.Output.Split('\n').Where(l => l.Contains("GET /flood-")).ToArray();
        var leftOut = lines.Sum(l => Regex.Match(l, @"; (\d+) more failed requests") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0);
        Assert.True(lines.Length < 41, $"{lines.Length} lines for 41 failures");
        Assert.Equal(41, lines.Length + leftOut); // every failure is a line or counted in one
    }

    [Fact]
    public async Task A_utf8_response_header_is_passed_to_the_client_unchanged()
    {
        using var raw = new RawBackend(_ => System.Text.Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Greeting: Grüße\r\n\r\nok"));
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false }
            """);
        using var client = new HttpClient(new SocketsHttpHandler { ResponseHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }) { BaseAddress = balancer.BaseAddress };

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Grüße", response.Headers.GetValues("X-Greeting").Single());
    }

    [Fact]
    public async Task A_backend_without_health_endpoint_is_announced_once()
    {
        await using var none = await TestBackend.StartAsync("none", health: []);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{none.Url}}"] }
            """);

        await Eventually.True(() => balancer.Output.Contains("no health endpoint found"), "the backend without endpoint is reported");
        await Eventually.True(() => balancer.Output.Contains($"{none.Url}/ healthy: TCP connect succeeded (was unknown)"), "it is healthy by TCP connect");
        var lines = balancer.Output.Split('\n').Where(l => l.Contains(none.Url)).ToArray();

        Assert.Equal(1, lines.Count(l => l.Contains("no health endpoint found")));
        Assert.Equal(1, lines.Count(l => l.Contains("/ healthy:")));
    }
}
