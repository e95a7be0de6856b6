using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>What <see cref="IFlowBalancePlugin.Create"/> receives.</summary>
public sealed record PluginContext(string Name, IPluginSettings Settings, ILogger Logger, IRoutingView Routing) : IPluginContext;
