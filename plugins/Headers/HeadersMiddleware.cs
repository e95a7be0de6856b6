using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Plugins.Headers;

/// <summary>Applies the configured edits; request edits are made before YARP copies the headers to the backend.</summary>
public sealed class HeadersMiddleware(HeaderEdits request, HeaderEdits response) : IPluginMiddleware
{
    public ValueTask<PluginResult> OnRequestAsync(HttpContext context, string service)
    {
        request.Apply(context.Request.Headers);
        return new(PluginResult.Continue);
    }

    public ValueTask OnResponseAsync(HttpContext context, RoutingDecision decision)
    {
        response.Apply(context.Response.Headers);
        return ValueTask.CompletedTask;
    }
}
