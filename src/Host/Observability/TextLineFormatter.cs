using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>log.format = text</c>: one line per entry,
/// <c>2026-12-01T07:36:29.949Z INFO  backend demo/b2 http://127.0.0.1:34359/ healthy: /health answered 200 (was unknown)</c>.
/// An exception's type and message follow on the same line; its stack trace only at debug level.
/// </summary>
public sealed class TextLineFormatter(LogLevel minimum) : ConsoleFormatter(Name)
{
    public new const string Name = "flowbalance-text";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = LogLine.Message(logEntry);
        var error = LogLine.Exception(logEntry);
        if (message.Length == 0 && error is null) return;
        textWriter.Write(EventJson.Time(DateTimeOffset.UtcNow));
        textWriter.Write(' ');
        textWriter.Write(LogLine.Level(logEntry.LogLevel).PadRight(5));
        textWriter.Write(' ');
        textWriter.Write(message);
        if (error is not null)
        {
            textWriter.Write(message.Length > 0 ? " (" : "(");
            textWriter.Write(error);
            textWriter.Write(')');
            if (minimum <= LogLevel.Debug && logEntry.Exception?.StackTrace is { } trace) textWriter.Write(" at " + LogLine.OneLine(trace));
        }
        textWriter.Write('\n');
    }
}
