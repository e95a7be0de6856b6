using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowBalance.Host.Observability;

/// <summary>What the two console formats share: the level's name, and the message on one line.</summary>
internal static partial class LogLine
{
    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "NONE",
    };

    /// <summary>
    /// The entry's text. Akka.NET's bridge formats its entries as <c>[INFO][date][Thread 0008][source] message</c>,
    /// repeating what the line already says: only the message is kept, after the actor path (its log source).
    /// </summary>
    public static string Message<TState>(in LogEntry<TState> entry)
    {
        var text = entry.Formatter(entry.State, null) ?? "";
        if (AkkaSource(entry) is { } source) text = $"akka {source}: {AkkaPrefix().Replace(text, "", 1)}";
        return OneLine(text);
    }

    /// <summary>The log source of an entry from Akka.NET's logger bridge, or null for any other entry.</summary>
    public static string? AkkaSource<TState>(in LogEntry<TState> entry)
    {
        if (!entry.Category.StartsWith("Akka", StringComparison.Ordinal) || entry.State is not IEnumerable<KeyValuePair<string, object>> values) return null;
        foreach (var (key, value) in values)
        {
            if (key == "LogSource") return value?.ToString();
        }
        return null;
    }

    [GeneratedRegex(@"^\[[A-Z]+\]\[[^\]]*\]\[Thread \d+\]\[[^\]]*\]\s*")]
    private static partial Regex AkkaPrefix();

    /// <summary>A message with line breaks (a multi-line exception text) still makes one line.</summary>
    public static string OneLine(string text) =>
        text.Contains('\n') || text.Contains('\r')
            ? string.Join(" | ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : text;

    /// <summary>An exception as one line: its type and message, and the inner ones'.</summary>
    public static string? Exception<TState>(in LogEntry<TState> entry)
    {
        var error = entry.Exception;
        if (error is null) return null;
        var parts = new List<string>();
        for (var e = error; e is not null && parts.Count < 5; e = e.InnerException) parts.Add($"{e.GetType().Name}: {OneLine(e.Message)}");
        return string.Join(" <- ", parts);
    }
}
