using System.Globalization;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary><c>GET /api/v1/audit?limit=100&amp;before=ID</c>: the audit log, newest first (page with <c>before</c> = the last id seen).</summary>
public sealed class AuditEndpoint(AdminDatabase database)
{
    public Task Handle(HttpContext context)
    {
        if (!AdminQuery.TryLimit(context.Request.Query, 1000, 100, out var limit, out var problem)) return AdminResponses.Problem(context, problem!);
        long? before = null;
        if (context.Request.Query["before"].ToString() is { Length: > 0 } text)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return AdminResponses.Problem(context, $"before: expected an audit entry id, found '{text}'");
            before = id;
        }
        return AdminResponses.Items(context, database.ReadAudit(before, limit), static (json, entry) =>
        {
            json.WriteStartObject();
            json.WriteNumber("id", entry.Id);
            json.WriteString("time", EventJson.Time(entry.Time));
            json.WriteString("actor", entry.Actor);
            json.WriteStringOrNull("address", entry.Address);
            json.WriteString("action", entry.Action);
            json.WriteStringOrNull("target", entry.Target);
            json.WriteStringOrNull("before", entry.Before);
            json.WriteStringOrNull("after", entry.After);
            json.WriteString("result", entry.Result);
            json.WriteEndObject();
        });
    }
}
