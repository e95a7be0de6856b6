namespace FlowBalance.Plugins.Abstractions;

/// <summary>What <see cref="IPluginMiddleware.OnRequestAsync"/> decided.</summary>
public enum PluginResult
{
    /// <summary>Pass the request on to the next plugin and then to a backend.</summary>
    Continue,

    /// <summary>The plugin wrote the response; nothing is forwarded.</summary>
    Handled,
}
