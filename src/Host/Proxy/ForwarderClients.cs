using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using FlowBalance.Actors.State;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The pooled HTTP clients and per-request settings for each service. One
/// <see cref="HttpMessageInvoker"/> per distinct connect timeout keeps connection pools shared.
/// </summary>
public sealed class ForwarderClients : IDisposable
{
    private readonly ConcurrentDictionary<TimeSpan, HttpMessageInvoker> _invokers = new();
    private readonly ConditionalWeakTable<ServiceSlot, ServiceForwarding> _services = new();

    public ServiceForwarding For(ServiceSlot service) =>
        _services.TryGetValue(service, out var forwarding) ? forwarding : _services.GetValue(service, Create);

    private ServiceForwarding Create(ServiceSlot service)
    {
        var settings = service.Definition.Settings;
        var invoker = _invokers.GetOrAdd(settings.ConnectionErrors.ConnectionTimeout, CreateInvoker);
        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = settings.RequestTimeout,
            // HTTP/1.1 to plain-http backends (no h2c guess), HTTP/2 where TLS negotiates it.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        return new ServiceForwarding(invoker, config, ForwardingTransformer.For(settings.PreserveHost));
    }

    private static HttpMessageInvoker CreateInvoker(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null, // no trace headers injected per request: less work on the hot path
        ConnectTimeout = connectTimeout,
        // Every attempt is the proxy's own: no silent re-send of a request whose connection died (OwnedAttemptStream).
        ConnectCallback = OwnedAttemptStream.ConnectAsync,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        // Header bytes pass through unchanged, as nginx and HAProxy do: Kestrel decodes them as Latin-1
        // (HeaderEncoding), so encoding them as Latin-1 again sends the client's bytes (UTF-8 cookies too).
        RequestHeaderEncodingSelector = HeaderEncoding.Select,
        ResponseHeaderEncodingSelector = HeaderEncoding.Select,
    });

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values) invoker.Dispose();
    }
}
