using System.Collections.Immutable;

namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// A runtime action on one backend that outlives restarts and config reloads: a weight, a state, or
/// both (null leaves that part to the config file). One per (service, backend); setting it again replaces it.
/// </summary>
public sealed record BackendOverride(
    string Service,
    string BackendId,
    int? Weight,
    string? State,
    DateTimeOffset Set,
    string SetBy)
{
    public static ImmutableArray<string> States { get; } = ["enabled", "disabled", "draining"];
}
