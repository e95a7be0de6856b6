using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>What the config endpoints read from a request (the config text or JSON, <c>If-Match</c>) and their refusals.</summary>
public static class ConfigRequest
{
    /// <summary>
    /// The body: the new file's text itself (<c>text/plain</c>, or no content type), or a JSON object
    /// (<c>application/json</c>) with the text in <c>text</c> or the flowbalance section in <c>config</c>
    /// (as <c>GET /config</c> answers it). A problem when it is neither, or larger than the config file limit.
    /// </summary>
    public static async Task<ConfigBody> ReadAsync(HttpContext context)
    {
        var type = context.Request.ContentType ?? "text/plain";
        var json = type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (!json && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)) return ConfigBody.Refused($"send the config file's text as text/plain, or application/json {{\"config\": {{...}}}} or {{\"text\": \"...\"}}; found {type}");
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var buffer = new char[16 * 1024];
        var body = new StringBuilder();
        int read;
        // A JSON body escapes characters, so it may be somewhat longer than the text it carries.
        var limit = json ? ConfigLimits.MaxBytes * 2 : ConfigLimits.MaxBytes;
        while ((read = await reader.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            body.Append(buffer, 0, read);
            if (body.Length > limit) return ConfigBody.Refused($"the config text is larger than {ConfigLimits.MaxBytes / (1024 * 1024)} MiB (the limit)");
        }
        if (!json) return new ConfigBody(body.ToString(), null, null);
        try
        {
            // Two levels more than a file may nest: the body's object and the flowbalance key; the file's own checks name what is too deep.
            using var document = JsonDocument.Parse(body.ToString(), new JsonDocumentOptions { MaxDepth = ConfigLimits.MaxDepth + 2 });
            var root = document.RootElement;
            var hasConfig = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("config", out _);
            var hasText = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text", out _);
            if (hasConfig && hasText) return ConfigBody.Refused("send either \"config\" (the flowbalance section as JSON) or \"text\" (the whole hocon.conf), not both");
            if (hasConfig)
            {
                var config = root.GetProperty("config");
                return config.ValueKind == JsonValueKind.Object
                    ? new ConfigBody(null, config.Clone(), null)
                    : ConfigBody.Refused($"\"config\" must be a JSON object: the flowbalance section, as the config member of GET /config; found {Kind(config)}");
            }
            return hasText && root.GetProperty("text") is { ValueKind: JsonValueKind.String } text
                ? new ConfigBody(text.GetString(), null, null)
                : ConfigBody.Refused("expected a JSON object {\"config\": {...the flowbalance section, as GET /config answers it...}} or {\"text\": \"...the whole hocon.conf...\"}");
        }
        catch (JsonException e)
        {
            return ConfigBody.Refused($"the body is not JSON: {e.Message}");
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary><c>If-Match: "n"</c> (or <c>W/"n"</c>): the revision the caller edited; null when absent, false when not a revision.</summary>
    public static bool TryIfMatch(HttpContext context, out long? revision)
    {
        revision = null;
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0) return true;
        if (header.StartsWith("W/", StringComparison.Ordinal)) header = header[2..];
        if (long.TryParse(header.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            revision = id;
            return true;
        }
        return false;
    }

    public static string ETag(long revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// 422 with <c>errors</c> ({path, line, message}), <c>messages</c> ("key (line N): message", as startup
    /// prints them) and <c>details</c> (the same objects as <c>errors</c>, its name in the first version).
    /// </summary>
    public static Task Invalid(HttpContext context, IReadOnlyList<ConfigError> errors)
    {
        var objects = errors.Select(e => new Dictionary<string, object?> { ["path"] = e.Path, ["line"] = e.Line, ["message"] = e.Message }).ToArray();
        return AdminResponses.Problem(context, $"the configuration has {errors.Count} problem(s); nothing was changed", StatusCodes.Status422UnprocessableEntity, new Dictionary<string, object?>
        {
            ["errors"] = objects,
            ["messages"] = errors.Select(e => e.ToString()).ToArray(),
            ["details"] = objects,
        });
    }

    /// <summary>
    /// The errors of a text made from a JSON edit, without lines: they would point into a text the caller
    /// never saw (and that holds the secrets they sent as ***); the path names the key.
    /// </summary>
    public static IReadOnlyList<ConfigError> WithoutLines(IReadOnlyList<ConfigError> errors) => [.. errors.Select(e => e with { Line = null })];

    public static Task Stale(HttpContext context, long current)
    {
        context.Response.Headers.ETag = ETag(current);
        return AdminResponses.Problem(context, $"If-Match names a revision that no longer runs: revision {current} does now; GET /config, edit that, and send its ETag", StatusCodes.Status412PreconditionFailed,
            new Dictionary<string, object?> { ["revision"] = current });
    }
}
