using FlowBalance.Plugins.Abstractions;
using Microsoft.Extensions.Logging;

namespace FlowBalance.Plugins.Headers;

/// <summary>
/// Sets and removes request headers (before forwarding) and response headers (before the client
/// sees them):
/// <code>
/// Headers {
///   request  { set { X-Env = "prod" }, remove = ["X-Debug"] }
///   response { set { Strict-Transport-Security = "max-age=31536000" }, remove = ["X-Powered-By"] }
/// }
/// </code>
/// </summary>
public sealed class HeadersPlugin : IFlowBalancePlugin
{
    public string DisplayName => "Request and response headers";

    public IPluginMiddleware Create(IPluginContext context)
    {
        var request = HeaderEdits.Read(context.Settings.GetSection("request"));
        var response = HeaderEdits.Read(context.Settings.GetSection("response"));
        if (request.IsEmpty && response.IsEmpty)
        {
            context.Logger.LogWarning("{Path} has no request or response headers to set or remove; the plugin does nothing", context.Settings.Path);
        }
        return new HeadersMiddleware(request, response);
    }
}
