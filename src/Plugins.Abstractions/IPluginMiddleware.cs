using Microsoft.AspNetCore.Http;

namespace FlowBalance.Plugins.Abstractions;

/// <summary>
/// Hooks around one proxied request, all optional. Request hooks run in <c>order</c>, response
/// hooks in reverse order (like nested middleware). One instance serves every request
/// concurrently: keep per-request state in <see cref="HttpContext.Items"/>, not in fields.
/// An exception from a hook is contained; the plugin's <c>failure_mode</c> decides what the
/// client gets (open: the request proceeds without the plugin; closed: 500 with a request id).
/// </summary>
public interface IPluginMiddleware
{
    /// <summary>
    /// Before a backend is chosen. Read or change the request (headers, path); to answer the request
    /// yourself, write the response and return <see cref="PluginResult.Handled"/>.
    /// </summary>
    ValueTask<PluginResult> OnRequestAsync(HttpContext context, string service) => new(PluginResult.Continue);

    /// <summary>A backend was chosen for an attempt (called again for each retry).</summary>
    void OnRouted(HttpContext context, RoutingDecision decision)
    {
    }

    /// <summary>
    /// The backend's status and headers are in <see cref="HttpContext.Response"/> and not yet sent:
    /// change them here. Not called when no backend answered.
    /// </summary>
    ValueTask OnResponseAsync(HttpContext context, RoutingDecision decision) => ValueTask.CompletedTask;

    /// <summary>The request is over (answered, failed, or handled by a plugin).</summary>
    void OnCompleted(HttpContext context, RequestOutcome outcome)
    {
    }
}
