using System.Net;
using System.Net.Sockets;

namespace FlowBalance.Actors.Health;

/// <summary>
/// HTTP health probes. Discovery tries <c>/health</c>, <c>/healthz</c>, <c>/status</c> in order: the
/// first that exists (any answer but 404/405/410) becomes the backend's health path, and its
/// status decides health (2xx/3xx healthy). When none exists the backend is checked by TCP connect.
/// gRPC backends use <see cref="GrpcHealthCheck"/>, which asks for HTTP/2 per request. A backend is
/// probed as the balancer talks to it: over HTTP/2 for <c>protocol = h2/h2c</c>, and with its TLS
/// settings (one client per distinct setting, so probes share connection pools).
/// </summary>
public sealed class HttpHealthProber : IHealthProber, IDisposable
{
    public static readonly string[] DiscoveryPaths = ["/health", "/healthz", "/status"];

    private readonly HttpClient _client = CreateClient(default);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<UpstreamTls, HttpClient> _tlsClients = new();

    private static HttpClient CreateClient(UpstreamTls tls)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (!tls.IsDefault) tls.Apply(handler.SslOptions);
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }; // each probe has its own deadline
    }

    public Task<ProbeResult> ProbeAsync(Configuration.BackendDefinition backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var upstream = backend.Upstream;
        var tls = UpstreamTls.Of(upstream);
        var client = tls.IsDefault ? _client : _tlsClients.GetOrAdd(tls, CreateClient);
        var http2 = upstream.Protocol is Configuration.UpstreamOptions.H2 or Configuration.UpstreamOptions.H2c;
        return Probe(client, http2, backend.Url, target, timeout, cancellationToken);
    }

    /// <summary>Probe URLs by backend and path: building a Uri per probe was a visible cost at 1,000 probes/s.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Uri Backend, string Path), Uri> _urls = new();

    public Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken) =>
        Probe(_client, http2: false, backend, target, timeout, cancellationToken);

    private async Task<ProbeResult> Probe(HttpClient client, bool http2, Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        deadline.CancelAfter(timeout);
        try
        {
            return target.Mode switch
            {
                ProbeMode.Path => await ProbePath(client, http2, backend, target, deadline.Token),
                ProbeMode.Tcp => await ProbeTcp(backend, deadline.Token),
                ProbeMode.Grpc => await GrpcHealthCheck.CheckAsync(client, backend, target.GrpcService, timeout, deadline.Token),
                _ => await Discover(client, http2, backend, deadline.Token),
            };
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException
                                   || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? $"no answer within {timeout.TotalMilliseconds:0} ms" : e.Message;
            return new ProbeResult(false, target, $"{target} probe failed: {why}");
        }
    }

    private async Task<ProbeResult> Discover(HttpClient client, bool http2, Uri backend, CancellationToken cancellationToken)
    {
        foreach (var path in DiscoveryPaths)
        {
            var status = await Get(client, http2, backend, path, cancellationToken);
            if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Gone) continue;
            return new ProbeResult(IsHealthy(status), ProbeTarget.ForPath(path), $"{path} answered {(int)status}");
        }
        return await ProbeTcp(backend, cancellationToken); // its Target (TCP) says that no endpoint was found
    }

    private async Task<ProbeResult> ProbePath(HttpClient client, bool http2, Uri backend, ProbeTarget target, CancellationToken cancellationToken)
    {
        var status = await Get(client, http2, backend, target.Path!, cancellationToken);
        return new ProbeResult(IsHealthy(status), target, $"{target.Path} answered {(int)status}");
    }

    private static async Task<ProbeResult> ProbeTcp(Uri backend, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(backend.Host, backend.Port, cancellationToken);
        return new ProbeResult(true, ProbeTarget.Tcp, "TCP connect succeeded");
    }

    private async Task<HttpStatusCode> Get(HttpClient client, bool http2, Uri backend, string path, CancellationToken cancellationToken)
    {
        var url = _urls.GetOrAdd((backend, path), key => new Uri(key.Backend, key.Path));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (http2) (request.Version, request.VersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        request.Headers.TryAddWithoutValidation("User-Agent", "FlowBalance-HealthCheck/1");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.StatusCode;
    }

    private static bool IsHealthy(HttpStatusCode status) => (int)status is >= 200 and < 400;

    public void Dispose()
    {
        _client.Dispose();
        foreach (var client in _tlsClients.Values) client.Dispose();
    }
}
