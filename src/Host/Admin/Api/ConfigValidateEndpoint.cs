using System.Text.Json;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>POST /api/v1/config/validate</c> with the whole new file or the JSON config (as for PUT): a dry run through the
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
        var body = await ConfigRequest.ReadAsync(context);
        if (body.Problem is { } problem)
        {
            await AdminResponses.Problem(context, problem);
            return;
        }
        var text = body.Text;
        if (body.Config is { } config)
        {
            (text, var masked) = JsonConfigText.From(config, reloader.Running, Environment.GetEnvironmentVariable);
            if (text is null)
            {
                await ConfigRequest.Invalid(context, masked);
                return;
            }
        }
        var (_, errors, _, diff) = reloader.Check(text!);
        if (diff is null)
        {
            await ConfigRequest.Invalid(context, body.Config is null ? errors : ConfigRequest.WithoutLines(errors));
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
