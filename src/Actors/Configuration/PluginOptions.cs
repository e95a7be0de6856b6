using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>What a plugin's failure does to the request.</summary>
public enum PluginFailureMode
{
    /// <summary>Log (at a bounded rate), skip the plugin for this request, proceed.</summary>
    Open,

    /// <summary>The request gets 500 with its request id.</summary>
    Closed,
}

/// <summary>
/// <c>flowbalance.plugins.&lt;name&gt; { enabled, order, services, failure_mode, … }</c>: how the
/// host runs the plugin in folder <c>name</c>; the other keys are the plugin's own <see cref="Settings"/>.
/// </summary>
public sealed record PluginOptions(string Name, bool Enabled, int Order, ImmutableArray<string> Services, PluginFailureMode FailureMode, ConfigTree Settings)
{
    public static readonly string[] HostKeys = ["enabled", "order", "services", "failure_mode"];

    /// <summary>A plugin with no section: enabled for every service, order 0, failure mode open.</summary>
    public static PluginOptions Default(string name) =>
        new(name, true, 0, [], PluginFailureMode.Open, ConfigTree.Empty($"flowbalance.plugins.{name}"));

    public bool AppliesTo(string service) => Services.IsEmpty || Services.Contains(service, StringComparer.OrdinalIgnoreCase);
}
