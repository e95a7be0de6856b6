namespace FlowBalance.Host.Admin.Overrides;

/// <summary>Who asked for an admin action, as the audit log records it.</summary>
public sealed record AdminCaller(string Name, string? Address)
{
    public static AdminCaller Of(HttpContext context) =>
        new(context.User.Identity?.Name ?? "unknown", context.Connection.RemoteIpAddress?.ToString());

    /// <summary>Appends an audit entry in this caller's name, now.</summary>
    public void Audit(Store.AdminDatabase database, string action, string? target, string? before, string? after, string result) =>
        database.AppendAudit(new Store.AuditEntry(0, DateTimeOffset.UtcNow, Name, Address, action, target, before, after, result));
}
