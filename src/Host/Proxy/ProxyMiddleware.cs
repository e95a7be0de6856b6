using System.Diagnostics;
using FlowBalance.Actors.State;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The request path: Host header → service → backend (from the published snapshot, lock-free) →
/// YARP forwarder → outcome recorded in the backend's counters for its actor. Never asks an actor.
/// </summary>
public sealed class ProxyMiddleware(IHttpForwarder forwarder, RoutingTableStore routes, ForwarderClients clients)
{
    /// <summary>Seconds a client is told to wait when a service has no backend to send to.</summary>
    private const string RetryAfterSeconds = "5";

    public async Task InvokeAsync(HttpContext context)
    {
        RequestIds.Ensure(context);
        var hostHeader = context.Request.Headers.Host.ToString();
        var service = routes.Current.Match(HostName.WithoutPort(hostHeader));
        if (service is null)
        {
            await Reject(context, StatusCodes.Status404NotFound, $"No service is configured for host '{HostName.WithoutPort(hostHeader)}'\n");
            return;
        }
        var backend = service.Current.Pick();
        if (backend is null)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            await Reject(context, StatusCodes.Status503ServiceUnavailable, $"All backends are down for service '{service.Definition.Name}'\n");
            return;
        }

        var forwarding = clients.For(service);
        var counters = backend.Counters;
        counters.RequestStarted();
        var started = Stopwatch.GetTimestamp();
        var error = ForwarderError.None;
        try
        {
            error = await forwarder.SendAsync(context, backend.Definition.Prefix, forwarding.Invoker, forwarding.RequestConfig, forwarding.Transformer);
        }
        finally
        {
            counters.RequestFinished(Outcomes.Classify(error), context.Response.StatusCode, Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    private static Task Reject(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
