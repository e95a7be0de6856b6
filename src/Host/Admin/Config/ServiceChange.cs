using System.Collections.Immutable;

namespace FlowBalance.Host.Admin.Config;

/// <summary>What changed in one service between two configs: its backends by id, and which settings.</summary>
public sealed record ServiceChange(
    string Name,
    ImmutableArray<string> BackendsAdded,
    ImmutableArray<string> BackendsRemoved,
    ImmutableArray<string> BackendsChanged,
    ImmutableArray<string> Settings);
