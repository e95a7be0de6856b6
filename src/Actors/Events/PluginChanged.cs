namespace FlowBalance.Actors.Events;

/// <summary><c>plugin.loaded</c> / <c>plugin.reloaded</c> / <c>plugin.failed</c>; <see cref="FlowEvent.To"/> is the version now running.</summary>
public sealed record PluginChanged(string Kind, string Plugin, string? Path) : FlowEvent
{
    public const string Loaded = "loaded", Reloaded = "reloaded", Failed = "failed";

    public override string Type => Kind switch
    {
        Loaded => EventTypes.PluginLoaded,
        Reloaded => EventTypes.PluginReloaded,
        _ => EventTypes.PluginFailed,
    };

    public override EventSeverity Severity => Kind == Failed ? EventSeverity.Error : EventSeverity.Info;

    public override string Describe() => Kind switch
    {
        Loaded => $"plugin '{Plugin}' {To} loaded from {Path}{(Reason.Length > 0 ? $" ({Reason})" : "")}",
        Reloaded => $"plugin '{Plugin}' reloaded: {From} -> {To} from {Path}; in-flight requests finish on the old version",
        _ => $"plugin '{Plugin}' in {Path} was not {(From is null ? "loaded" : "reloaded")}: {Reason}",
    };
}
