namespace FlowBalance.Host.Admin.Overrides;

/// <summary>Who asked for an admin action, as the audit log records it.</summary>
public sealed record AdminCaller(string Name, string? Address)
{
    public static AdminCaller Of(HttpContext context) =>
        new(context.User.Identity?.Name ?? "unknown", context.Connection.RemoteIpAddress?.ToString());
}
