using System.Text.Json;

namespace FlowBalance.Host.Observability;

/// <summary>Writing a value that may be absent: the admin API's JSON always has the field, <c>null</c> when there is nothing.</summary>
public static class JsonNullable
{
    public static void WriteStringOrNull(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
        else json.WriteNull(name);
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
        else json.WriteNull(name);
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number) json.WriteNumber(name, number);
        else json.WriteNull(name);
    }

    /// <summary>An RFC 3339 time (<see cref="EventJson.Time"/>), or null.</summary>
    public static void WriteTimeOrNull(this Utf8JsonWriter json, string name, DateTimeOffset? value) =>
        json.WriteStringOrNull(name, value is { } time ? EventJson.Time(time) : null);
}
