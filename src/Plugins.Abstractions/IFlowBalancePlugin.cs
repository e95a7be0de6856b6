namespace FlowBalance.Plugins.Abstractions;

/// <summary>
/// A plugin's entry point: a public, non-abstract class with a public parameterless constructor.
/// FlowBalance creates it once per load and calls <see cref="Create"/> with the plugin's settings.
/// </summary>
public interface IFlowBalancePlugin
{
    /// <summary>A short human-readable name for logs ("Response headers"); the config key is the plugin's folder name.</summary>
    string DisplayName { get; }

    /// <summary>
    /// Builds the middleware from the plugin's settings. Throw <see cref="PluginConfigurationException"/>
    /// for a bad setting: the plugin is then reported (with the key and its line) and skipped.
    /// </summary>
    IPluginMiddleware Create(IPluginContext context);
}
