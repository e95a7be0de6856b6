using System.Collections.Immutable;

namespace FlowBalance.Actors.Events;

/// <summary><c>config.applied</c>: a configuration is running; the summary counts what changed.</summary>
public sealed record ConfigChangeApplied(ConfigSummary Summary, ImmutableArray<string> Changes) : FlowEvent
{
    public override string Type => EventTypes.ConfigApplied;

    public override string Describe() =>
        $"configuration applied ({Reason}): {Summary}{(Changes.IsEmpty ? "" : "; " + string.Join("; ", Changes))}";
}
