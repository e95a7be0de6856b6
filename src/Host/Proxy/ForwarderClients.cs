using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Runtime.CompilerServices;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The pooled HTTP clients and per-request settings for each service. One
/// <see cref="HttpMessageInvoker"/> per distinct connect timeout and TLS setting keeps connection pools shared.
/// </summary>
public sealed class ForwarderClients : IDisposable
{
    private readonly ConcurrentDictionary<(TimeSpan ConnectTimeout, UpstreamTls Tls), HttpMessageInvoker> _invokers = new();
    private readonly ConditionalWeakTable<ServiceSlot, ServiceForwarding> _services = new();

    public ServiceForwarding For(ServiceSlot service) =>
        _services.TryGetValue(service, out var forwarding) ? forwarding : _services.GetValue(service, Create);

    private ServiceForwarding Create(ServiceSlot service)
    {
        var definition = service.Definition;
        var common = Forwarding(definition.Settings, definition.Settings.Upstream);
        var own = definition.Backends
            .Where(b => b.Upstream != definition.SettingsFor(b).Upstream || definition.SettingsFor(b) != definition.Settings)
            .ToFrozenDictionary(b => b.Id, b => Forwarding(definition.SettingsFor(b), b.Upstream));
        return new ServiceForwarding(common, own, ForwardingTransformer.For(definition.Settings.PreserveHost));
    }

    private BackendForwarding Forwarding(ServiceSettings settings, UpstreamOptions upstream)
    {
        var invoker = _invokers.GetOrAdd((settings.ConnectionErrors.ConnectionTimeout, UpstreamTls.Of(upstream)), key => CreateInvoker(key.ConnectTimeout, key.Tls));
        var (version, policy) = upstream.Protocol switch
        {
            // HTTP/2 only: prior knowledge (h2c) to http://, ALPN h2 to https://; never a silent HTTP/1.1 downgrade,
            // which an h2-only backend (gRPC) answers with 400.
            UpstreamOptions.H2 or UpstreamOptions.H2c => (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact),
            UpstreamOptions.Http1 => (HttpVersion.Version11, HttpVersionPolicy.RequestVersionExact),
            // auto: HTTP/1.1 to plain-http backends (no h2c guess), HTTP/2 where TLS negotiates it.
            _ => (HttpVersion.Version11, HttpVersionPolicy.RequestVersionOrHigher),
        };
        return new BackendForwarding(invoker, new ForwarderRequestConfig { ActivityTimeout = settings.RequestTimeout, Version = version, VersionPolicy = policy });
    }

    private static HttpMessageInvoker CreateInvoker(TimeSpan connectTimeout, UpstreamTls tls)
    {
        var handler = new SocketsHttpHandler
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
        };
        tls.Apply(handler.SslOptions);
        return new HttpMessageInvoker(handler);
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values) invoker.Dispose();
    }
}
