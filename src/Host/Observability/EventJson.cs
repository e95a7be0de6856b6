using System.Globalization;
using System.Text.Json;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>An event as JSON: the contract's fields, the same in the log, the events API and webhooks.</summary>
public static class EventJson
{
    /// <summary>RFC 3339, UTC, milliseconds: 2026-12-01T07:36:29.949Z.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The contract's fields inside an object the caller opened (absent ones left out: the log line).</summary>
    public static void WriteFields(Utf8JsonWriter json, FlowEvent change, bool withNulls = false)
    {
        json.WriteString("type", change.Type);
        json.WriteString("node", change.Node);
        Optional(json, "service", change.Service, withNulls);
        Optional(json, "backend", change.Backend, withNulls);
        Optional(json, "url", change.Url, withNulls);
        Optional(json, "from", change.From, withNulls);
        Optional(json, "to", change.To, withNulls);
        json.WriteString("reason", change.Reason);
        if (change is CertificateChanged certificate) WriteCertificate(json, certificate);
    }

    /// <summary>What a certificate event adds: the names it covers, its expiry, the file it came from.</summary>
    private static void WriteCertificate(Utf8JsonWriter json, CertificateChanged certificate)
    {
        json.WriteStartArray("hosts");
        foreach (var host in certificate.Hosts) json.WriteStringValue(host);
        json.WriteEndArray();
        if (certificate.NotAfter is { } notAfter) json.WriteString("not_after", Time(notAfter));
        if (certificate.Path is { } path) json.WriteString("path", path);
    }

    /// <summary>One whole event object: time, the fields (nulls written), severity and the log line's text.</summary>
    public static void Write(Utf8JsonWriter json, FlowEvent change) => Write(json, change, null);

    /// <summary>The same, with more fields of the caller's at the end (a webhook's coalesced count).</summary>
    public static void Write(Utf8JsonWriter json, FlowEvent change, Action<Utf8JsonWriter>? more)
    {
        json.WriteStartObject();
        json.WriteString("time", Time(change.Time));
        WriteFields(json, change, withNulls: true);
        json.WriteString("severity", change.Severity.ToString().ToLowerInvariant());
        json.WriteString("message", change.Describe());
        more?.Invoke(json);
        json.WriteEndObject();
    }

    public static byte[] Serialize(FlowEvent change) => Serialize(json => Write(json, change));

    public static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer)) write(json);
        return buffer.ToArray();
    }

    private static void Optional(Utf8JsonWriter json, string name, string? value, bool withNulls)
    {
        if (withNulls) json.WriteStringOrNull(name, value);
        else if (value is not null) json.WriteString(name, value);
    }
}
