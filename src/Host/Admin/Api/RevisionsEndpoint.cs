using System.Globalization;
using System.Text.Json;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Hosting;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// Config revisions under <c>/api/v1/config/revisions</c>: <c>GET ?limit=</c> (newest first, without
/// texts), <c>GET /{id}</c> (with its text), <c>GET /{a}/diff/{b}</c> (a unified line diff, plus the
/// semantic diff when both texts still validate) and <c>POST /{id}/restore</c> (rollback: that text
/// applied like PUT /config, a new revision with source <c>rollback</c>; <c>If-Match</c> optional).
/// </summary>
public sealed class RevisionsEndpoint(AdminDatabase database, ConfigReloader reloader, ConfigApply apply)
{
    public Task Handle(HttpContext context)
    {
        var parts = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(context.Request.Method);
        return parts switch
        {
            [] when get => List(context),
            [var id] when get => WithRevision(context, id, revision => Get(context, revision)),
            [var a, "diff", var b] when get => WithRevision(context, a, from => WithRevision(context, b, to => Diff(context, from, to))),
            [var id, "restore"] when HttpMethods.IsPost(context.Request.Method) => WithRevision(context, id, revision => Restore(context, revision)),
            [] or [_] or [_, "diff", _] => AdminResponses.Problem(context, "only GET", StatusCodes.Status405MethodNotAllowed),
            [_, "restore"] => AdminResponses.Problem(context, "only POST", StatusCodes.Status405MethodNotAllowed),
            _ => AdminResponses.Problem(context, $"no admin endpoint {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound),
        };
    }

    private Task List(HttpContext context)
    {
        if (!AdminQuery.TryLimit(context.Request.Query, 1000, 100, out var limit, out var problem)) return AdminResponses.Problem(context, problem!);
        return AdminResponses.Items(context, database.ListRevisions(limit), (json, revision) =>
        {
            json.WriteStartObject();
            Fields(json, revision);
            json.WriteEndObject();
        });
    }

    private async Task Get(HttpContext context, ConfigRevision revision)
    {
        context.Response.Headers.ETag = ConfigRequest.ETag(revision.Id);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        Fields(json, revision);
        json.WriteString("text", revision.Text);
        json.WriteEndObject();
    }

    private async Task Diff(HttpContext context, ConfigRevision from, ConfigRevision to)
    {
        var lines = LineDiff.Lines(from.Text!, to.Text!);
        var folder = Path.GetDirectoryName(reloader.FilePath)!;
        var (left, _) = ConfigFile.Check(from.Text!, folder);
        var (right, _) = ConfigFile.Check(to.Text!, folder);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteNumber("from", from.Id);
        json.WriteNumber("to", to.Id);
        json.WriteString("unified", $"--- revision {from.Id}\n+++ revision {to.Id}\n{string.Join('\n', lines)}\n");
        json.WriteStartArray("lines");
        foreach (var line in lines) json.WriteStringValue(line);
        json.WriteEndArray();
        json.WritePropertyName("diff");
        // Texts that no longer validate (an environment variable gone, a file moved) still get their line diff.
        if (left.Options is { } a && right.Options is { } b && left.Errors.Count == 0 && right.Errors.Count == 0) ConfigDiff.Between(a, left.Hocon, b, right.Hocon).Write(json);
        else json.WriteNullValue();
        json.WriteEndObject();
    }

    private Task Restore(HttpContext context, ConfigRevision revision)
    {
        if (!ConfigRequest.TryIfMatch(context, out var expected)) return AdminResponses.Problem(context, $"If-Match: expected a revision's ETag, found {context.Request.Headers.IfMatch}");
        return apply.Apply(context, revision.Text!, "rollback", "config.rollback", $"revision {revision.Id}", expected,
            diff => $"rollback to revision {revision.Id}: {diff.Summary()}");
    }

    private Task WithRevision(HttpContext context, string id, Func<ConfigRevision, Task> then)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return AdminResponses.Problem(context, $"expected a revision id, found '{id}'");
        return database.GetRevision(number) is { } revision ? then(revision) : AdminResponses.Problem(context, $"no revision {number}", StatusCodes.Status404NotFound);
    }

    private static void Fields(Utf8JsonWriter json, ConfigRevision revision)
    {
        json.WriteNumber("id", revision.Id);
        json.WriteNumber("revision", revision.Id);
        json.WriteString("time", EventJson.Time(revision.Time));
        json.WriteString("source", revision.Source);
        json.WriteString("actor", revision.Actor);
        json.WriteString("author", revision.Actor);
        json.WriteString("sha256", revision.Sha256);
        json.WriteStringOrNull("summary", revision.Summary);
    }
}
