using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>What forwarding one service's requests needs, computed once per service.</summary>
public sealed record ServiceForwarding(HttpMessageInvoker Invoker, ForwarderRequestConfig RequestConfig, HttpTransformer Transformer);
