using System.Text.Json;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Hosting;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// Applying a config text for <c>PUT /config</c> and <c>POST /config/revisions/{id}/restore</c>: through
/// <see cref="ConfigReloader.ApplyTextAsync"/> (the file reload's path), answered with the new revision
/// and its ETag, and audited (before and after revision, result), refusals included.
/// </summary>
public sealed class ConfigApply(ConfigReloader reloader, AdminDatabase database)
{
    /// <summary>
    /// <c>PUT /config</c> with <c>{"config": …}</c>: the text made from it (<see cref="JsonConfigText"/>), applied as
    /// <see cref="Apply"/> does. Its masked secrets keep the values of the running revision, so that must be
    /// the one the caller edited (checked here first, and again under the reload lock).
    /// </summary>
    public async Task ApplyJson(HttpContext context, JsonElement config, string action, string target, long expected, Func<ConfigDiff, string> summary)
    {
        var current = reloader.CurrentRevision;
        if (expected != current)
        {
            await Stale(context, action, target, expected, current);
            return;
        }
        var (text, errors) = JsonConfigText.From(config, reloader.Running, Environment.GetEnvironmentVariable);
        if (text is null)
        {
            await Invalid(context, action, target, current, errors);
            return;
        }
        await Apply(context, text, "api", action, target, expected, summary, fromJson: true);
    }

    /// <summary>Applies and audits a text for any caller (the API, the dashboard); refusals are audited too.</summary>
    public async Task<ConfigApplyResult> ApplyAsync(string text, string source, string action, string target, long? expected, Func<ConfigDiff, string> summary,
        AdminCaller caller, CancellationToken cancel)
    {
        var result = await reloader.ApplyTextAsync(text, source, caller.Name, expected, summary, cancel);
        var before = $"revision {result.Before}";
        switch (result.Status)
        {
            case ConfigApplyResult.Outcome.Stale:
                Audit(caller, action, target, $"revision {result.Revision}", null, $"refused: If-Match \"{expected}\" is stale (412)");
                break;
            case ConfigApplyResult.Outcome.Invalid:
                Audit(caller, action, target, before, null, $"refused: {result.Errors.Count} problem(s) (422): {result.Errors[0]}");
                break;
            default:
                Audit(caller, action, target, before, $"revision {result.Revision}", $"ok: {summary(result.Diff!)}");
                break;
        }
        return result;
    }

    /// <param name="fromJson">The text was made from a JSON edit: its errors are answered without lines (<see cref="ConfigRequest.WithoutLines"/>).</param>
    public async Task Apply(HttpContext context, string text, string source, string action, string target, long? expected, Func<ConfigDiff, string> summary, bool fromJson = false)
    {
        var result = await ApplyAsync(text, source, action, target, expected, summary, AdminCaller.Of(context), context.RequestAborted);
        switch (result.Status)
        {
            case ConfigApplyResult.Outcome.Stale:
                await ConfigRequest.Stale(context, result.Revision);
                return;
            case ConfigApplyResult.Outcome.Invalid:
                await ConfigRequest.Invalid(context, fromJson ? ConfigRequest.WithoutLines(result.Errors) : result.Errors);
                return;
        }
        var line = summary(result.Diff!);
        context.Response.Headers.ETag = ConfigRequest.ETag(result.Revision);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteNumber("revision", result.Revision);
        json.WriteNumber("previous", result.Before);
        json.WriteString("sha256", ConfigRevisions.Sha256(text));
        json.WriteString("summary", line);
        json.WriteStartArray("changes");
        foreach (var change in result.Diff!.Changes()) json.WriteStringValue(change);
        json.WriteEndArray();
        json.WritePropertyName("diff");
        result.Diff.Write(json);
        json.WriteStartArray("restart_needed");
        foreach (var key in result.RestartNeeded) json.WriteStringValue(key);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private Task Stale(HttpContext context, string action, string target, long? expected, long current)
    {
        Audit(context, action, target, $"revision {current}", null, $"refused: If-Match \"{expected}\" is stale (412)");
        return ConfigRequest.Stale(context, current);
    }

    private Task Invalid(HttpContext context, string action, string target, long before, IReadOnlyList<ConfigError> errors)
    {
        Audit(context, action, target, $"revision {before}", null, $"refused: {errors.Count} problem(s) (422): {errors[0]}");
        return ConfigRequest.Invalid(context, errors);
    }

    public void Audit(HttpContext context, string action, string target, string? before, string? after, string result) =>
        Audit(AdminCaller.Of(context), action, target, before, after, result);

    public void Audit(AdminCaller caller, string action, string target, string? before, string? after, string result) =>
        caller.Audit(database, action, target, before, after, result);
}
