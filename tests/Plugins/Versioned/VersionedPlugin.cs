using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Tests.Plugins.Versioned;

/// <summary>Test plugin built twice (Versioned.V1, Versioned.V2) under one assembly name, to replace one with the other.</summary>
public sealed class VersionedPlugin : IFlowBalancePlugin
{
#if VERSION2
    public const string Generation = "2";
#else
    public const string Generation = "1";
#endif

    public string DisplayName => $"Versioned (test) generation {Generation}";

    public IPluginMiddleware Create(IPluginContext context) => new VersionedMiddleware();
}

public sealed class VersionedMiddleware : IPluginMiddleware
{
    public ValueTask OnResponseAsync(HttpContext context, RoutingDecision decision)
    {
        context.Response.Headers["X-Plugin-Generation"] = VersionedPlugin.Generation;
        return ValueTask.CompletedTask;
    }
}
