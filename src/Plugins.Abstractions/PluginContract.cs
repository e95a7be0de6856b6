namespace FlowBalance.Plugins.Abstractions;

/// <summary>The version of the plugin contract this assembly defines; a plugin built against another major version is refused.</summary>
public static class PluginContract
{
    public const int Version = 1;
}
