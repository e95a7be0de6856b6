using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Configuration.Hocon;

namespace FlowBalance.Host.Admin.Config;

/// <summary>
/// The <c>flowbalance</c> section of a parsed file as JSON: objects, lists, strings, numbers and
/// booleans. HOCON keeps scalars as text, so an unquoted-looking <c>true</c>/<c>false</c> becomes a
/// boolean and a JSON number literal a number; everything else stays a string. With
/// <c>mask</c>, the values of secret keys (<see cref="SecretKeys"/>: webhook and session-affinity
/// <c>secret</c>, OAuth <c>client_secret</c>…) are <c>"***"</c>.
/// </summary>
public static class ConfigJson
{
    public const string Masked = "***";

    public static readonly string[] SecretKeys = ["secret", "client_secret", "password", "token", "api_key"];

    public static JsonObject Section(Akka.Configuration.Config? hocon, bool mask)
    {
        if (hocon is null || !hocon.Root.IsObject() || !hocon.Root.GetObject().Items.TryGetValue("flowbalance", out var section)) return [];
        return Render(section, mask) as JsonObject ?? [];
    }

    private static JsonNode? Render(HoconValue value, bool mask)
    {
        if (value.IsObject())
        {
            var json = new JsonObject();
            foreach (var (key, child) in value.GetObject().Items)
            {
                json[key] = mask && SecretKeys.Contains(key, StringComparer.OrdinalIgnoreCase) && !child.IsObject() && child.Values.Count > 0
                    ? JsonValue.Create(Masked)
                    : Render(child, mask);
            }
            return json;
        }
        if (value.Values.Any(v => v is HoconArray))
        {
            var list = new JsonArray();
            foreach (var element in value.Values.OfType<HoconArray>().SelectMany(a => a.GetArray())) list.Add(Render(element, mask));
            return list;
        }
        if (value.Values.Count == 0) return null;
        return Scalar(value.GetString());
    }

    private static JsonNode? Scalar(string? text)
    {
        if (text is null) return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _)
            && (char.IsAsciiDigit(text[0]) || text[0] == '-') && char.IsAsciiDigit(text[^1]))
        {
            return JsonNode.Parse(text.TrimStart('+'));
        }
        return JsonValue.Create(text);
    }
}
