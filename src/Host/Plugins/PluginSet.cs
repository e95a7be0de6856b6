using System.Collections.Frozen;
using System.Collections.Immutable;

namespace FlowBalance.Host.Plugins;

/// <summary>
/// The plugins in effect, swapped whole on every (re)load so a request sees one consistent set
/// and no plugin type is referenced elsewhere (old load contexts can unload). Chains are
/// precomputed per service: the request path does one lookup, or none when no plugin is scoped.
/// </summary>
public sealed class PluginSet
{
    public static readonly PluginSet Empty = new([]);

    private readonly ActivePlugin[] _everyService;
    private readonly FrozenDictionary<string, ActivePlugin[]> _byService;

    public PluginSet(IEnumerable<ActivePlugin> plugins)
    {
        All = [.. plugins.OrderBy(p => p.Options.Order).ThenBy(p => p.Name, StringComparer.Ordinal)];
        _everyService = [.. All.Where(p => p.Options.Services.IsEmpty)];
        _byService = All.SelectMany(p => p.Options.Services).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(service => service, service => All.Where(p => p.Options.AppliesTo(service)).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every plugin, in request order.</summary>
    public ImmutableArray<ActivePlugin> All { get; }

    /// <summary>The plugins that apply to <paramref name="service"/>, in request order; empty (never null) when none.</summary>
    public ActivePlugin[] For(string service) =>
        _byService.Count == 0 || !_byService.TryGetValue(service, out var chain) ? _everyService : chain;
}
