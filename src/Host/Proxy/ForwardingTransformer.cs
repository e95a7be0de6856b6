using System.Net;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Steering;
using Microsoft.AspNetCore.Connections.Features;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// YARP's default copy of headers and body, plus what a load balancer owes the backend: the
/// X-Forwarded-* headers, the request id, and the backend's own Host unless preserve_host is set.
/// </summary>
public sealed class ForwardingTransformer : HttpTransformer
{
    public static readonly ForwardingTransformer BackendHost = new(preserveHost: false);
    public static readonly ForwardingTransformer ClientHost = new(preserveHost: true);

    private readonly bool _preserveHost;

    private ForwardingTransformer(bool preserveHost) => _preserveHost = preserveHost;

    public static ForwardingTransformer For(bool preserveHost) => preserveHost ? ClientHost : BackendHost;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        // null lets HttpClient send the destination's authority (what virtual-hosted origins expect).
        proxyRequest.Headers.Host = _preserveHost ? request.Host.Value : null;

        var headers = proxyRequest.Headers;
        var clientAddress = ClientAddressText(httpContext);
        var state = httpContext.Features.Get<ForwardState>();
        var prior = request.Headers[ForwardedFor];
        // Only what a trusted proxy says about its clients is passed on (it is believed); a client's own
        // claim is replaced by the connection's address (or, with forwarded_headers = append, kept before it).
        var trusted = -1; // unknown yet: most requests carry none of these headers and never need to know
        if (prior.Count > 0)
        {
            headers.Remove(ForwardedFor);
            trusted = Trusted(httpContext, state);
            if (trusted == 0 && state?.Service.Definition.Settings.ForwardedHeaders != ServiceSettings.ForwardedAppend) prior = default;
        }
        if (clientAddress is not null)
        {
            headers.TryAddWithoutValidation(ForwardedFor, prior.Count > 0 ? $"{prior}, {clientAddress}" : clientAddress);
        }
        var forwarded = request.Headers.ContainsKey(Forwarded);
        var realIp = request.Headers.ContainsKey(RealIp);
        if ((forwarded || realIp) && (trusted < 0 ? Trusted(httpContext, state) : trusted) == 0)
        {
            if (forwarded) headers.Remove(Forwarded);
            if (realIp) headers.Remove(RealIp);
        }
        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", state?.Scheme ?? request.Scheme);
        headers.Remove("X-Forwarded-Host");
        if (request.Host.HasValue) headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var state = proxyResponse is null ? null : httpContext.Features.Get<ForwardState>();
        if (state is not null)
        {
            var status = (int)proxyResponse!.StatusCode;
            if (status is 503 or 429 && RetryAfter(proxyResponse) is { } wait)
            {
                state.Backend.Gate.HoldUntil(Environment.TickCount64 + (long)wait.TotalMilliseconds); // honoured for this backend
            }
            if (RetryRules.IsRetryableStatus(status) && state.TryClaimStatusRetry(httpContext.Request.Method))
            {
                state.HeldStatus = status; // not copied to the client: the request goes to another backend
                return false;
            }
        }
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        // The backend may send its own id; the client sees the one the balancer logged.
        httpContext.Response.Headers[RequestIds.Header] = httpContext.Request.Headers[RequestIds.Header];
        if (result && proxyResponse is not null) ConnectionHeaders.StripResponse(proxyResponse, httpContext.Response.Headers);
        if (!result || state is null) return result;
        AffinityCookie.SetIfChanged(httpContext, state.Service.Definition.Settings.LoadBalancer.SessionAffinity, state.Key, state.Backend, state.Scheme == ForwardedProto.Https);
        if (state.Plugins.Length > 0)
        {
            state.FailedPlugin = await PluginHooks.ResponseAsync(httpContext, state.Plugins, state.Decision);
            if (state.FailedPlugin is not null) return false; // the proxy loop answers 500 instead
        }
        return true;
    }

    private const string ForwardedFor = "X-Forwarded-For", Forwarded = "Forwarded", RealIp = "X-Real-IP";

    /// <summary>1 when the connection's peer is in <c>trusted_proxies</c>, else 0.</summary>
    private static int Trusted(HttpContext context, ForwardState? state) =>
        state is not null && ClientAddress.PeerIsTrusted(context, state.TrustedProxies) ? 1 : 0;

    /// <summary>The client's address as text, formatted once per connection rather than once per request.</summary>
    private static string? ClientAddressText(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return null;
        var connectionState = context.Features.Get<IPersistentStateFeature>()?.State;
        if (connectionState is null) return address.ToString();
        if (connectionState.TryGetValue(ClientAddressKey, out var cached) && cached is CachedAddress known && known.Address.Equals(address)) return known.Text;
        var text = address.ToString();
        connectionState[ClientAddressKey] = new CachedAddress(address, text);
        return text;
    }

    private static readonly object ClientAddressKey = new();

    private sealed record CachedAddress(IPAddress Address, string Text);

    /// <summary>The backend's Retry-After, capped at five minutes.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } w && w > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(w.Ticks, TimeSpan.FromMinutes(5).Ticks)) : null;
    }
}
