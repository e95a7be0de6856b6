using System.Text.Json;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /api/v1/config</c>: <c>{"revision", "sha256", "config": {the flowbalance section, secrets masked}}</c>
/// with <c>ETag: "revision"</c>. <c>PUT /api/v1/config</c> with the whole new file (text/plain, or
/// <c>{"text": "..."}</c>) or that <c>config</c> object edited (<c>{"config": {...}}</c>) and
/// <c>If-Match: "revision"</c> (428 without, 412 when stale) applies it.
/// </summary>
public sealed class ConfigEndpoint(ConfigReloader reloader, ConfigApply apply)
{
    public async Task Handle(HttpContext context)
    {
        if (context.Request.Path.HasValue && context.Request.Path != "/")
        {
            await AdminResponses.Problem(context, $"no admin endpoint {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);
            return;
        }
        if (HttpMethods.IsGet(context.Request.Method)) await Get(context);
        else if (HttpMethods.IsPut(context.Request.Method)) await Put(context);
        else await AdminResponses.Problem(context, "only GET and PUT", StatusCodes.Status405MethodNotAllowed);
    }

    private async Task Get(HttpContext context)
    {
        var running = reloader.Running;
        var revision = reloader.CurrentRevision;
        context.Response.Headers.ETag = ConfigRequest.ETag(revision);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteNumber("revision", revision);
        json.WriteString("sha256", running.Sha256);
        json.WriteString("path", reloader.FilePath);
        json.WritePropertyName("config");
        ConfigJson.Section(running.Hocon, mask: true).WriteTo(json);
        json.WriteEndObject();
    }

    private async Task Put(HttpContext context)
    {
        if (!ConfigRequest.TryIfMatch(context, out var expected))
        {
            apply.Audit(context, "config.apply", "config", null, null, "refused: If-Match is not a revision (400)");
            await AdminResponses.Problem(context, $"If-Match: expected a revision's ETag such as \"{reloader.CurrentRevision}\", found {context.Request.Headers.IfMatch}");
            return;
        }
        if (expected is null)
        {
            apply.Audit(context, "config.apply", "config", null, null, "refused: no If-Match (428)");
            context.Response.Headers.ETag = ConfigRequest.ETag(reloader.CurrentRevision);
            await AdminResponses.Problem(context, "PUT /config needs If-Match with the ETag of the revision you edited (GET /config), so it cannot overwrite a change you have not seen",
                StatusCodes.Status428PreconditionRequired, new Dictionary<string, object?> { ["revision"] = reloader.CurrentRevision });
            return;
        }
        var body = await ConfigRequest.ReadAsync(context);
        if (body.Problem is { } problem)
        {
            apply.Audit(context, "config.apply", "config", null, null, $"refused: {problem} (400)");
            await AdminResponses.Problem(context, problem);
            return;
        }
        if (body.Config is { } config) await apply.ApplyJson(context, config, "config.apply", "config", expected.Value, diff => diff.Summary());
        else await apply.Apply(context, body.Text!, "api", "config.apply", "config", expected, diff => diff.Summary());
    }
}
