namespace FlowBalance.Host.Tests.Support;

/// <summary>Requests the way clients reach a service through the balancer: by Host header.</summary>
public static class HostRequests
{
    /// <summary>GET <paramref name="path"/> with <paramref name="host"/> as the Host header.</summary>
    public static Task<HttpResponseMessage> SendAsHost(this HttpClient client, string host, string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return client.SendAsync(request);
    }

    /// <summary>The response header's single value, or null when it is absent.</summary>
    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
