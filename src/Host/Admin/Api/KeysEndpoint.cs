using System.Text.Json;
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
                ? AdminResponses.Json(context, json => Write(json, key, secret: null))
                : AdminResponses.Problem(context, $"no API key {id}", StatusCodes.Status404NotFound),
            [] => AdminResponses.Problem(context, "only GET and POST", StatusCodes.Status405MethodNotAllowed),
            [_] => AdminResponses.Problem(context, "only GET and DELETE", StatusCodes.Status405MethodNotAllowed),
            _ => AdminResponses.Problem(context, $"no admin endpoint {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound),
        };
    }

    private async Task Create(HttpContext context)
    {
        var caller = AdminCaller.Of(context);
        var (fields, problem) = await Read(context);
        var (issued, refusal) = fields is { } f ? ApiKeyIssuer.Issue(database, f.Name, f.Role, f.Expires, caller) : (null, problem);
        if (issued is not { } made)
        {
            if (fields is null) caller.Audit(database, "key.create", null, null, null, $"refused: {problem}");
            await AdminResponses.Problem(context, refusal!);
            return;
        }
        await AdminResponses.Json(context, json => Write(json, made.Record, made.Key), StatusCodes.Status201Created);
    }

    private async Task Revoke(HttpContext context, string id)
    {
        if (ApiKeyIssuer.Revoke(database, id, AdminCaller.Of(context)) is { } key) await AdminResponses.Json(context, json => Write(json, key, secret: null));
        else await AdminResponses.Problem(context, $"no API key {id}", StatusCodes.Status404NotFound);
    }

    /// <summary>The body's fields as given (checked by <see cref="ApiKeyIssuer"/>), or the problem with its shape.</summary>
    private static async Task<((string? Name, string? Role, string? Expires)? Fields, string? Problem)> Read(HttpContext context)
    {
        var (document, problem) = await SmallJsonBody.ReadAsync(context, MaxBody);
        if (document is null) return (null, problem);
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, """expected {"name": "...", "role": "viewer" | "operator" | "admin", "expires": "2027-01-01T00:00:00Z" | "90d" | null}""");
            string? name = null, role = null, expires = null;
            foreach (var field in root.EnumerateObject())
            {
                if (field.Name is not ("name" or "role" or "expires")) return (null, $"unknown field '{field.Name}' (known: name, role, expires)");
                if (field.Value.ValueKind == JsonValueKind.Null && field.Name == "expires") continue;
                if (field.Value.ValueKind != JsonValueKind.String) return (null, $"{field.Name}: expected a text, found {field.Value.GetRawText()}");
                var text = field.Value.GetString();
                if (field.Name == "name") name = text;
                else if (field.Name == "role") role = text;
                else expires = text;
            }
            return ((name, role, expires), null);
        }
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
        json.WriteString("status", key.StatusAt(DateTimeOffset.UtcNow));
        json.WriteEndObject();
    }
}
