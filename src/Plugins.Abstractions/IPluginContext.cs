using Microsoft.Extensions.Logging;

namespace FlowBalance.Plugins.Abstractions;

/// <summary>What a plugin is given when it is created.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's name: its folder under the plugins directory and its key in <c>flowbalance.plugins</c>.</summary>
    string Name { get; }

    /// <summary>The plugin's own keys from <c>flowbalance.plugins.&lt;name&gt; { }</c> (without enabled, order, services, failure_mode).</summary>
    IPluginSettings Settings { get; }

    /// <summary>A logger whose category is the plugin's name.</summary>
    ILogger Logger { get; }

    /// <summary>A read-only view of the services and backends the balancer routes to.</summary>
    IRoutingView Routing { get; }
}
