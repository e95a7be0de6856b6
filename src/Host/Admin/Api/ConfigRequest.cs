using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>What the config endpoints read from a request (the config text, <c>If-Match</c>) and their refusals.</summary>
public static class ConfigRequest
{
    /// <summary>
    /// The new file's text: the body itself (<c>text/plain</c>, or no content type), or the <c>text</c>
    /// member of a JSON object (<c>application/json</c>). Null with a problem when there is none, or it is
    /// larger than the config file limit.
    /// </summary>
    public static async Task<(string? Text, string? Problem)> ReadTextAsync(HttpContext context)
    {
        var type = context.Request.ContentType ?? "text/plain";
        var json = type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (!json && !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)) return (null, $"send the config file's text as text/plain, or as application/json {{\"text\": \"...\"}}; found {type}");
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var buffer = new char[16 * 1024];
        var body = new StringBuilder();
        int read;
        // A JSON body escapes characters, so it may be somewhat longer than the text it carries.
        var limit = json ? ConfigLimits.MaxBytes * 2 : ConfigLimits.MaxBytes;
        while ((read = await reader.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            body.Append(buffer, 0, read);
            if (body.Length > limit) return (null, $"the config text is larger than {ConfigLimits.MaxBytes / (1024 * 1024)} MiB (the limit)");
        }
        if (!json) return (body.ToString(), null);
        try
        {
            using var document = JsonDocument.Parse(body.ToString());
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? (text.GetString(), null)
                : (null, "expected a JSON object {\"text\": \"...the whole hocon.conf...\"}");
        }
        catch (JsonException e)
        {
            return (null, $"the body is not JSON: {e.Message}");
        }
    }

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

    public static Task Stale(HttpContext context, long current)
    {
        context.Response.Headers.ETag = ETag(current);
        return AdminResponses.Problem(context, $"If-Match names a revision that no longer runs: revision {current} does now; GET /config, edit that, and send its ETag", StatusCodes.Status412PreconditionFailed,
            new Dictionary<string, object?> { ["revision"] = current });
    }
}
