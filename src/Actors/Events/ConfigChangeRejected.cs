using System.Collections.Immutable;

namespace FlowBalance.Actors.Events;

/// <summary><c>config.rejected</c>: a new configuration had errors; the running one stays.</summary>
public sealed record ConfigChangeRejected(string Path, ImmutableArray<string> Problems) : FlowEvent
{
    public override string Type => EventTypes.ConfigRejected;

    public override EventSeverity Severity => EventSeverity.Error;

    public override string Describe() =>
        $"configuration error in {Path} ({Reason}); the running configuration stays: {string.Join("; ", Problems)}";
}
