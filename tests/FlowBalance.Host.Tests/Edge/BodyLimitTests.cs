using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>max_request_body_size: a declared length over it never reaches a backend; a chunked body is cut at it.</summary>
public sealed class BodyLimitTests
{
    private const string Requests = "/__lb_admin__/api/v1/requests";

    [Fact]
    public async Task A_content_length_over_the_limit_is_413_before_any_backend_and_a_chunked_body_is_cut()
    {
        await using var backend = await TestBackend.StartAsync("files");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false, max_request_body_size = 1000 }
            """);
        using var client = balancer.CreateClient();

        using var declared = await client.PostAsync("/upload", new ByteArrayContent(new byte[1001]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("Content too large: the limit is 1000 bytes\n", await declared.Content.ReadAsStringAsync());
        Assert.Equal(0, backend.Requests);

        using var streamed = await client.PostAsync("/upload", new Chunked(64 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal(0, backend.CompletedUploads); // it got the first bytes, never the end of the body

        using var atLimit = await client.PostAsync("/upload", new ByteArrayContent(new byte[1000]));
        Assert.StartsWith("1000 ", await atLimit.Content.ReadAsStringAsync());
        Assert.Equal(1, backend.CompletedUploads);
        // A chunked body of exactly the limit passes: the limit counts body bytes, not the chunks' framing.
        using var chunkedAtLimit = await client.PostAsync("/upload", new Chunked(1000));
        Assert.StartsWith("1000 ", await chunkedAtLimit.Content.ReadAsStringAsync());
        Assert.Equal(2, backend.CompletedUploads);
        using var chunkedOver = await client.PostAsync("/upload", new Chunked(1001));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedOver.StatusCode);

        var refused = Assert.Single(await AdminApi.Items(client, $"{Requests}?status=4xx&limit=1"));
        Assert.Equal(413, refused.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_service_may_set_its_own_limit_and_zero_means_none()
    {
        await using var backend = await TestBackend.StartAsync("files");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              max_request_body_size = 10
              services = [
                { hostname = "small.test", backends = ["{{backend.Url}}"] }
                { hostname = "big.test", max_request_body_size = 0, backends = ["{{backend.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post(client, "small.test", 11));
        Assert.Equal(HttpStatusCode.OK, await Post(client, "big.test", 100_000));
    }

    private static async Task<HttpStatusCode> Post(HttpClient client, string host, int bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[bytes]) };
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A body of <paramref name="bytes"/> zeros with no length: HttpClient sends it chunked.</summary>
    private sealed class Chunked(int bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(new byte[bytes]).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
