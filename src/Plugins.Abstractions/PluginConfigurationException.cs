namespace FlowBalance.Plugins.Abstractions;

/// <summary>A plugin setting is wrong. The host reports the key's path and line, and skips the plugin.</summary>
/// <param name="key">The full key path (e.g. flowbalance.plugins.headers.status).</param>
/// <param name="message">What is wrong, for the operator.</param>
public sealed class PluginConfigurationException(string key, string message) : Exception(message)
{
    /// <summary>The full key path of the bad setting.</summary>
    public string Key { get; } = key;
}
