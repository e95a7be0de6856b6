using System.Text.Json;
using FlowBalance.Actors.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>log.format = json</c>: one JSON object per line with stable names for log shippers:
/// <c>time, level, category, message</c>, the event's fields for an event
/// (<c>type, node, service, backend, url, from, to, reason</c>), the named values of any other
/// structured entry, and <c>error</c> for an exception.
/// </summary>
public sealed class JsonLineFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "flowbalance-json";

    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("time", EventJson.Time((logEntry.State as FlowEvent)?.Time ?? DateTimeOffset.UtcNow));
            json.WriteString("level", LogLine.Level(logEntry.LogLevel).ToLowerInvariant());
            var akkaSource = LogLine.AkkaSource(logEntry);
            json.WriteString("category", akkaSource is null ? logEntry.Category : "akka");
            json.WriteString("message", LogLine.Message(logEntry));
            switch (logEntry.State)
            {
                case FlowEvent change:
                    EventJson.WriteFields(json, change);
                    break;
                case IEnumerable<KeyValuePair<string, object?>> values:
                    foreach (var (key, value) in values)
                    {
                        if (key is "{OriginalFormat}" or "time" or "level" or "category" or "message" or "error") continue;
                        if (akkaSource is not null && key is "Timestamp" or "Thread") continue; // the line has its own time
                        json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                    break;
            }
            if (LogLine.Exception(logEntry) is { } error) json.WriteString("error", error);
            json.WriteEndObject();
        }
        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }
}
