using FlowBalance.Actors.Configuration;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>A loaded plugin with its options and the middleware it created: what the request path runs.</summary>
public sealed class ActivePlugin(LoadedPlugin source, PluginOptions options, IPluginMiddleware middleware, FailureLog failures)
{
    public string Name => Options.Name;

    public LoadedPlugin Source { get; } = source;

    public PluginOptions Options { get; } = options;

    public IPluginMiddleware Middleware { get; } = middleware;

    public FailureLog Failures { get; } = failures;

    public bool FailsClosed => Options.FailureMode == PluginFailureMode.Closed;
}
