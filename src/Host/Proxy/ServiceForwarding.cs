using System.Collections.Frozen;
using FlowBalance.Actors.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// What forwarding one service's requests needs, computed once per service: the client and request
/// config of its backends (one pair unless a backend sets its own <c>protocol</c> or TLS keys).
/// </summary>
public sealed class ServiceForwarding(BackendForwarding common, FrozenDictionary<string, BackendForwarding> own, HttpTransformer transformer)
{
    public HttpTransformer Transformer { get; } = transformer;

    public BackendForwarding For(BackendDefinition backend) =>
        own.Count > 0 && own.TryGetValue(backend.Id, out var forwarding) ? forwarding : common;
}

/// <summary>The pooled client and the request config (HTTP version, policy, timeout) for a backend.</summary>
public sealed record BackendForwarding(HttpMessageInvoker Invoker, ForwarderRequestConfig RequestConfig);
