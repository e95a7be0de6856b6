using System.Collections.Frozen;

namespace FlowBalance.Actors.State;

/// <summary>
/// Host header → service: exact names first, then the longest matching <c>*.suffix</c>, then the
/// catch-all. Lookups take a span (no string allocation per request) and ignore case.
/// </summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<string, ServiceSlot> _exact;
    private readonly FrozenDictionary<string, ServiceSlot>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly FrozenDictionary<string, ServiceSlot> _wildcards;
    private readonly FrozenDictionary<string, ServiceSlot>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly ServiceSlot? _catchAll;

    public RoutingTable(IEnumerable<ServiceSlot> services)
    {
        Services = [.. services];
        _exact = Services.Where(s => s.Definition.Hostname is not null && !s.Definition.IsWildcard)
            .ToFrozenDictionary(s => s.Definition.Hostname!, StringComparer.OrdinalIgnoreCase);
        _wildcards = Services.Where(s => s.Definition.IsWildcard)
            .ToFrozenDictionary(s => s.Definition.Hostname![2..], StringComparer.OrdinalIgnoreCase);
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardLookup = _wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        _catchAll = Services.FirstOrDefault(s => s.Definition.IsCatchAll);
    }

    public static RoutingTable Empty { get; } = new([]);

    public IReadOnlyList<ServiceSlot> Services { get; }

    /// <summary>Finds the service for a host (without port); a trailing dot is ignored.</summary>
    public ServiceSlot? Match(ReadOnlySpan<char> host)
    {
        if (host.EndsWith(".")) host = host[..^1];
        if (_exactLookup.TryGetValue(host, out var exact)) return exact;
        if (_wildcards.Count > 0)
        {
            // a.b.example.com tries b.example.com, then example.com: the most specific wildcard wins.
            for (var dot = host.IndexOf('.'); dot >= 0; dot = NextDot(host, dot))
            {
                if (_wildcardLookup.TryGetValue(host[(dot + 1)..], out var wildcard)) return wildcard;
            }
        }
        return _catchAll;
    }

    private static int NextDot(ReadOnlySpan<char> host, int dot)
    {
        var next = host[(dot + 1)..].IndexOf('.');
        return next < 0 ? -1 : dot + 1 + next;
    }
}
