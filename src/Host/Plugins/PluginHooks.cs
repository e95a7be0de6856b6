using FlowBalance.Host.Proxy;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>
/// Runs a chain of plugin hooks for one request and contains their failures: request hooks in
/// order, response hooks in reverse. <c>failure_mode</c> applies to the two hooks that can change
/// the answer (request, response); the notification hooks (routed, completed) only log.
/// </summary>
public static class PluginHooks
{
    /// <summary>True when the request has been answered: a plugin handled it, or one failing closed did.</summary>
    public static async ValueTask<bool> RequestAsync(HttpContext context, ActivePlugin[] chain, string service)
    {
        foreach (var plugin in chain)
        {
            PluginResult result;
            try
            {
                result = await plugin.Middleware.OnRequestAsync(context, service);
            }
            catch (Exception e) when (!IsClientAbort(e, context))
            {
                plugin.Failures.Record(nameof(IPluginMiddleware.OnRequestAsync), e);
                if (plugin.FailsClosed || context.Response.HasStarted)
                {
                    await FailAsync(context, plugin);
                    return true;
                }
                continue;
            }
            if (result == PluginResult.Handled) return true;
        }
        return false;
    }

    public static void Routed(HttpContext context, ActivePlugin[] chain, RoutingDecision decision)
    {
        foreach (var plugin in chain)
        {
            try
            {
                plugin.Middleware.OnRouted(context, decision);
            }
            catch (Exception e)
            {
                plugin.Failures.Record(nameof(IPluginMiddleware.OnRouted), e);
            }
        }
    }

    /// <summary>Runs the response hooks; null when all ran (or failed open), else the plugin that failed closed.</summary>
    public static async ValueTask<ActivePlugin?> ResponseAsync(HttpContext context, ActivePlugin[] chain, RoutingDecision decision)
    {
        for (var i = chain.Length - 1; i >= 0; i--)
        {
            var plugin = chain[i];
            try
            {
                await plugin.Middleware.OnResponseAsync(context, decision);
            }
            catch (Exception e) when (!IsClientAbort(e, context))
            {
                plugin.Failures.Record(nameof(IPluginMiddleware.OnResponseAsync), e);
                if (plugin.FailsClosed) return plugin;
            }
        }
        return null;
    }

    public static void Completed(HttpContext context, ActivePlugin[] chain, RequestOutcome outcome)
    {
        for (var i = chain.Length - 1; i >= 0; i--)
        {
            try
            {
                chain[i].Middleware.OnCompleted(context, outcome);
            }
            catch (Exception e)
            {
                chain[i].Failures.Record(nameof(IPluginMiddleware.OnCompleted), e);
            }
        }
    }

    /// <summary>The answer when a plugin fails closed: 500 with the request id, or a cut connection if the plugin already started a response.</summary>
    public static Task FailAsync(HttpContext context, ActivePlugin plugin)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        var requestId = context.Request.Headers[RequestIds.Header].ToString();
        response.Headers.Clear();
        response.Headers[RequestIds.Header] = requestId;
        response.StatusCode = StatusCodes.Status500InternalServerError;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync($"Plugin '{plugin.Name}' failed while handling this request (request id {requestId})\n");
    }

    private static bool IsClientAbort(Exception e, HttpContext context) =>
        e is OperationCanceledException && context.RequestAborted.IsCancellationRequested;
}
