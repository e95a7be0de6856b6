using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Hosting;

namespace FlowBalance.Host.Admin.Config;

/// <summary>
/// The file text of a JSON edit (<c>{"config": …}</c>, the <c>config</c> member of <c>GET /config</c>):
/// <c>flowbalance</c> and the object, indented (HOCON reads JSON), then the running file's other
/// top-level fields (its <c>akka</c> section) exactly as written, comments inside them included.
/// The flowbalance section's comments and substitutions are not kept: it is written from the JSON.
/// </summary>
/// <remarks>
/// A secret key (<see cref="ConfigJson.SecretKeys"/>) that still holds <see cref="ConfigJson.Masked"/>
/// keeps the running value at the same path (list indexes included). When the running file sets it
/// with a substitution (<c>secret = ${WEBHOOK_SECRET}</c>) the substitution is written, not its value:
/// a secret from the environment must never land in a file people keep in git.
/// </remarks>
public static class JsonConfigText
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        NewLine = "\n",
        // Only what JSON needs is escaped (quotes, backslashes, control characters): the file stays readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The new file's text, or null with the paths of masked secrets that have no running value to keep.</summary>
    public static (string? Text, IReadOnlyList<ConfigError> Errors) From(JsonElement config, RunningConfig running, Func<string, string?> environment)
    {
        var outline = HoconOutline.Scan(running.Text);
        var writer = new Writer(running.Text, outline, environment);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            writer.Write(json, config, "flowbalance", ConfigJson.Section(running.Hocon, mask: false));
        }
        if (writer.Errors.Count > 0) return (null, writer.Errors);
        var text = new StringBuilder("flowbalance ").Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        foreach (var field in outline.RootFields.Where(f => f.Root != "flowbalance"))
        {
            text.Append('\n').Append(running.Text.AsSpan(field.Start, field.End - field.Start).TrimEnd()).Append('\n');
        }
        return (text.ToString(), []);
    }

    private sealed class Writer(string runningText, HoconOutline outline, Func<string, string?> environment)
    {
        public List<ConfigError> Errors { get; } = [];

        /// <param name="running">What runs at <paramref name="path"/> (secrets unmasked), for the masked secrets below it.</param>
        public void Write(Utf8JsonWriter json, JsonElement value, string path, JsonNode? running)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    json.WriteStartObject();
                    foreach (var property in value.EnumerateObject())
                    {
                        json.WritePropertyName(property.Name);
                        var at = $"{path}.{property.Name}";
                        var runs = running is JsonObject o && o.TryGetPropertyValue(property.Name, out var child) ? child : null;
                        if (IsMasked(property)) Keep(json, at, runs);
                        else Write(json, property.Value, at, runs);
                    }
                    json.WriteEndObject();
                    return;
                case JsonValueKind.Array:
                    json.WriteStartArray();
                    var index = 0;
                    foreach (var element in value.EnumerateArray())
                    {
                        Write(json, element, $"{path}[{index}]", running is JsonArray a && index < a.Count ? a[index] : null);
                        index++;
                    }
                    json.WriteEndArray();
                    return;
                default:
                    value.WriteTo(json);
                    return;
            }
        }

        private static bool IsMasked(JsonProperty property) =>
            property.Value.ValueKind == JsonValueKind.String && property.Value.ValueEquals(ConfigJson.Masked)
            && ConfigJson.SecretKeys.Contains(property.Name, StringComparer.OrdinalIgnoreCase);

        private void Keep(Utf8JsonWriter json, string path, JsonNode? running)
        {
            if (running is null)
            {
                Errors.Add(new ConfigError(path, null,
                    $"is \"{ConfigJson.Masked}\" (how GET /config masks a secret), but the running configuration has no value here to keep; send the secret itself"));
                json.WriteNullValue();
                return;
            }
            // The substitution as written (validated when that file was applied): HOCON, not JSON.
            if (outline.SubstitutionAt(runningText, path, environment) is { } written) json.WriteRawValue(written, skipInputValidation: true);
            else running.WriteTo(json);
        }
    }
}
