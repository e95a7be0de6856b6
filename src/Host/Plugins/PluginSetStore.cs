namespace FlowBalance.Host.Plugins;

/// <summary>Holds the current <see cref="PluginSet"/>; read lock-free by the request path, replaced by the plugin manager.</summary>
public sealed class PluginSetStore
{
    private PluginSet _current = PluginSet.Empty;

    public PluginSet Current => Volatile.Read(ref _current);

    public void Publish(PluginSet set) => Volatile.Write(ref _current, set);
}
