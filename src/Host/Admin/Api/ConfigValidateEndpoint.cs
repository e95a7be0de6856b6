using System.Text.Json;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>POST /api/v1/config/validate</c> with the whole new file (as for PUT): a dry run through the
/// validation of startup and reloads. 200 <c>{"valid": true, "summary", "changes": [...], "diff": {...}}</c>
/// against the running config, or 422 problem+json with <c>errors</c>. Nothing is written or applied.
/// </summary>
public sealed class ConfigValidateEndpoint(ConfigReloader reloader)
{
    public async Task Handle(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await AdminResponses.Problem(context, "only POST", StatusCodes.Status405MethodNotAllowed);
            return;
        }
        var (text, problem) = await ConfigRequest.ReadTextAsync(context);
        if (text is null)
        {
            await AdminResponses.Problem(context, problem!);
            return;
        }
        var (_, errors, _, diff) = reloader.Check(text);
        if (diff is null)
        {
            await ConfigRequest.Invalid(context, errors);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteBoolean("valid", true);
        json.WriteNumber("revision", reloader.CurrentRevision);
        json.WriteString("summary", diff.Summary());
        json.WriteStartArray("changes");
        foreach (var change in diff.Changes()) json.WriteStringValue(change);
        json.WriteEndArray();
        json.WritePropertyName("diff");
        diff.Write(json);
        json.WriteEndObject();
    }
}
