using System.Globalization;
using System.Text.Json;
using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Admin.Auth;
using FlowBalance.Host.Admin.Overrides;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// API keys under <c>/api/v1/keys</c> (admin role): <c>POST</c> <c>{"name", "role", "expires"}</c> → 201
/// <c>{"id", "key", …}</c> (the key is shown only in this answer); <c>GET</c> lists them without keys (last use,
/// revoked ones too); <c>DELETE /{id}</c> revokes one (its next use is a 401). Each creation and revocation is audited.
/// </summary>
public sealed class KeysEndpoint(AdminDatabase database)
{
    private const int MaxBody = 4096;
    private const int MaxName = 100;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    public Task Handle(HttpContext context)
    {
        var parts = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = context.Request.Method;
        return parts switch
        {
            [] when HttpMethods.IsGet(method) => AdminResponses.Items(context, database.ListApiKeys(), (json, key) => Write(json, key, secret: null)),
            [] when HttpMethods.IsPost(method) => Create(context),
            [var id] when HttpMethods.IsDelete(method) => Revoke(context, id),
            [var id] when HttpMethods.IsGet(method) => database.FindApiKey(id) is { } key
                ? Answer(context, StatusCodes.Status200OK, json => Write(json, key, secret: null))
                : AdminResponses.Problem(context, $"no API key {id}", StatusCodes.Status404NotFound),
            [] => AdminResponses.Problem(context, "only GET and POST", StatusCodes.Status405MethodNotAllowed),
            [_] => AdminResponses.Problem(context, "only GET and DELETE", StatusCodes.Status405MethodNotAllowed),
            _ => AdminResponses.Problem(context, $"no admin endpoint {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound),
        };
    }

    private async Task Create(HttpContext context)
    {
        var caller = AdminCaller.Of(context);
        var (request, problem) = await Read(context);
        if (request is null)
        {
            Audit(caller, "key.create", null, $"refused: {problem} (400)");
            await AdminResponses.Problem(context, problem!);
            return;
        }
        var key = ApiKeys.Create();
        var record = new ApiKeyRecord(ApiKeys.NewId(), request.Value.Name, request.Value.Role.Name(), AdminToken.Hash(key), DateTimeOffset.UtcNow, caller.Name,
            request.Value.Expires, null, null, null);
        database.CreateApiKey(record);
        Audit(caller, "key.create", record.Id, $"ok: {record.Name}, role {record.Role}, expires {(record.Expires is { } e ? EventJson.Time(e) : "never")}");
        await Answer(context, StatusCodes.Status201Created, json => Write(json, record, key));
    }

    private async Task Revoke(HttpContext context, string id)
    {
        var caller = AdminCaller.Of(context);
        if (database.FindApiKey(id) is not { } key)
        {
            Audit(caller, "key.revoke", id, "refused: no such key (404)");
            await AdminResponses.Problem(context, $"no API key {id}", StatusCodes.Status404NotFound);
            return;
        }
        var revoked = database.RevokeApiKey(id, DateTimeOffset.UtcNow);
        Audit(caller, "key.revoke", id, revoked ? $"ok: {key.Name}" : "ok: it was already revoked");
        await Answer(context, StatusCodes.Status200OK, json => Write(json, database.FindApiKey(id)!, secret: null));
    }

    private static async Task<((string Name, AdminRole Role, DateTimeOffset? Expires)? Request, string? Problem)> Read(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBody) return (null, $"the body is larger than {MaxBody} bytes");
        JsonDocument document;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (body.Length > MaxBody) return (null, $"the body is larger than {MaxBody} bytes");
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return (null, $"the body is not JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, """expected {"name": "...", "role": "viewer" | "operator" | "admin", "expires": "2027-01-01T00:00:00Z" | "90d" | null}""");
            string? name = null;
            AdminRole? role = null;
            DateTimeOffset? expires = null;
            foreach (var field in root.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "name" when field.Value.ValueKind == JsonValueKind.String && field.Value.GetString()!.Trim() is { Length: > 0 and <= MaxName } text:
                        name = text;
                        break;
                    case "name":
                        return (null, $"name: expected a text of 1 to {MaxName} characters, found {field.Value.GetRawText()}");
                    case "role" when field.Value.ValueKind == JsonValueKind.String && AdminRoles.Parse(field.Value.GetString()) is { } parsed:
                        role = parsed;
                        break;
                    case "role":
                        return (null, $"role: expected \"viewer\", \"operator\" or \"admin\", found {field.Value.GetRawText()}");
                    case "expires" when field.Value.ValueKind == JsonValueKind.Null:
                        break;
                    case "expires" when field.Value.ValueKind == JsonValueKind.String && Expiry(field.Value.GetString()!) is { } at:
                        if (at <= DateTimeOffset.UtcNow) return (null, $"expires: {field.Value.GetString()} is in the past");
                        expires = at;
                        break;
                    case "expires":
                        return (null, $"expires: expected a time (2027-01-01T00:00:00Z), a duration from now (\"90d\", \"12h\") or null, found {field.Value.GetRawText()}");
                    default:
                        return (null, $"unknown field '{field.Name}' (known: name, role, expires)");
                }
            }
            if (name is null) return (null, "name is required: what the key is for (\"prometheus\", \"deploy pipeline\")");
            if (role is null) return (null, "role is required: \"viewer\", \"operator\" or \"admin\"");
            return ((name, role.Value, expires), null);
        }
    }

    private static DateTimeOffset? Expiry(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) && text.Contains('T')) return at;
        return DurationText.Parse(text, TimeSpan.FromSeconds(1)) is { } span && span > TimeSpan.Zero && span <= MaxLifetime ? DateTimeOffset.UtcNow + span : null;
    }

    private void Audit(AdminCaller caller, string action, string? target, string result) =>
        database.AppendAudit(new AuditEntry(0, DateTimeOffset.UtcNow, caller.Name, caller.Address, action, target, null, null, result));

    private static async Task Answer(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        write(json);
    }

    private static void Write(Utf8JsonWriter json, ApiKeyRecord key, string? secret)
    {
        json.WriteStartObject();
        json.WriteString("id", key.Id);
        if (secret is not null) json.WriteString("key", secret);
        json.WriteString("name", key.Name);
        json.WriteString("role", key.Role);
        json.WriteString("created", EventJson.Time(key.Created));
        json.WriteString("created_by", key.CreatedBy);
        json.WriteTimeOrNull("expires", key.Expires);
        json.WriteTimeOrNull("last_used", key.LastUsed);
        json.WriteStringOrNull("last_address", key.LastAddress);
        json.WriteTimeOrNull("revoked", key.Revoked);
        json.WriteString("status", key.Revoked is not null ? "revoked" : key.UsableAt(DateTimeOffset.UtcNow) ? "active" : "expired");
        json.WriteEndObject();
    }
}
