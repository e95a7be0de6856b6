using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Tests.Plugins.Tagger;

/// <summary>
/// Test plugin: appends its <c>tag</c> to the request's and the response's <c>X-Plugin-Tags</c>
/// (so order is visible), and throws on request paths starting with <c>throw_on_request</c> or
/// response paths starting with <c>throw_on_response</c>.
/// </summary>
public sealed class TaggerPlugin : IFlowBalancePlugin
{
    public string DisplayName => "Tagger (test)";

    public IPluginMiddleware Create(IPluginContext context) => new TaggerMiddleware(
        context.Settings.GetString("tag") ?? context.Name,
        context.Settings.GetString("throw_on_request"),
        context.Settings.GetString("throw_on_response"));
}

public sealed class TaggerMiddleware(string tag, string? throwOnRequest, string? throwOnResponse) : IPluginMiddleware
{
    public const string Header = "X-Plugin-Tags";

    public ValueTask<PluginResult> OnRequestAsync(HttpContext context, string service)
    {
        if (throwOnRequest is not null && context.Request.Path.StartsWithSegments(throwOnRequest))
        {
            throw new InvalidOperationException($"{tag} refuses {context.Request.Path}");
        }
        Append(context.Request.Headers);
        return new(PluginResult.Continue);
    }

    public ValueTask OnResponseAsync(HttpContext context, RoutingDecision decision)
    {
        if (throwOnResponse is not null && context.Request.Path.StartsWithSegments(throwOnResponse))
        {
            throw new InvalidOperationException($"{tag} refuses the response of {context.Request.Path}");
        }
        Append(context.Response.Headers);
        context.Response.Headers["X-Plugin-Backend-" + tag] = decision.BackendId;
        return ValueTask.CompletedTask;
    }

    private void Append(IHeaderDictionary headers)
    {
        var prior = headers[Header].ToString();
        headers[Header] = prior.Length == 0 ? tag : $"{prior},{tag}";
    }
}
