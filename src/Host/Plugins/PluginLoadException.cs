namespace FlowBalance.Host.Plugins;

/// <summary>Why a plugin folder could not be loaded, worded for the operator (no stack trace).</summary>
public sealed class PluginLoadException(string message) : Exception(message);
