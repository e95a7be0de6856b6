namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>log { level, format }</c>: the console's minimum level (FlowBalance's own lines; Akka.NET's
/// own log stays at warning and above unless the file's <c>akka.loglevel</c> says otherwise) and its
/// shape: one text line per entry, or one JSON object per line for log shippers.
/// </summary>
public sealed record LogOptions(string Level, string Format)
{
    public static readonly string[] Levels = ["debug", "info", "warning", "error"];

    public static readonly string[] Formats = ["text", "json"];

    public static readonly LogOptions Default = new("info", "text");
}
