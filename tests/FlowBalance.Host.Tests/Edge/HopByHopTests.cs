using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>Hop-by-hop headers stay on their hop, in both directions; the balancer names no server software.</summary>
public sealed class HopByHopTests
{
    [Fact]
    public async Task Hop_by_hop_headers_are_not_forwarded_either_way_and_there_is_no_server_header()
    {
        using var raw = new RawBackend(_ => RawBackend.Bytes("""
            HTTP/1.1 200 OK
            Content-Length: 2
            Connection: keep-alive, X-Backend-Hop
            X-Backend-Hop: secret
            Keep-Alive: timeout=5
            Proxy-Connection: keep-alive
            Server: backend/1.0
            X-Backend-End: kept

            ok
            """));
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{raw.Url}}"], activeHealthChecks.enabled = false }
            """);

        using var client = balancer.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/hop");
        request.Headers.TryAddWithoutValidation("Connection", "keep-alive, X-Client-Hop");
        request.Headers.TryAddWithoutValidation("X-Client-Hop", "secret");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("X-Client-End", "kept");
        using var response = await client.SendAsync(request);
        var answer = string.Join("\n", response.Headers.NonValidated.Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));

        var sent = Assert.Single(raw.Heads);
        Assert.Contains("X-Client-End: kept", sent);
        // (X-Client-Hop is not checked: Kestrel gives the application only Connection's close/keep-alive.)
        foreach (var hop in new[] { "Keep-Alive", "Proxy-Connection", "TE:", "Connection:" }) Assert.True(!sent.Contains(hop, StringComparison.OrdinalIgnoreCase), $"{hop} in {sent}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-Backend-End: kept", answer);
        foreach (var hop in new[] { "X-Backend-Hop", "Keep-Alive", "Proxy-Connection", "Connection:" }) Assert.True(!answer.Contains(hop, StringComparison.OrdinalIgnoreCase), $"{hop} in {answer}");
        Assert.Contains("Server: backend/1.0", answer); // the backend's own, passed on as any response header
    }

    [Fact]
    public async Task The_balancers_own_answers_carry_no_server_header()
    {
        await using var balancer = await BalancerProcess.StartAsync("""
            flowbalance { hostname = "only.test", backends = ["http://127.0.0.1:9"], activeHealthChecks.enabled = false }
            """);

        var answer = await DesyncTests.SendRaw(balancer, "GET / HTTP/1.1\r\nHost: unknown.test\r\nConnection: close\r\n\r\n");
        var kestrelAnswer = await DesyncTests.SendRaw(balancer, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 404 ", answer);
        Assert.StartsWith("HTTP/1.1 400 ", kestrelAnswer);
        Assert.DoesNotContain("Server:", answer);
        Assert.DoesNotContain("Server:", kestrelAnswer);
    }
}
