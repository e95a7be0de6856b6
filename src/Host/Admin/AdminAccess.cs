using FlowBalance.Host.Admin.Auth;

namespace FlowBalance.Host.Admin;

/// <summary>
/// The role each admin route needs (paths relative to the admin path). Reading is for viewers, except what
/// shows secrets (the revisions' texts and diffs); steering backends is for operators; changing the
/// configuration and managing API keys is for admins. A state-changing route not listed needs admin.
/// </summary>
public static class AdminAccess
{
    public static AdminRole Required(string method, PathString path)
    {
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
        if (path == "/logout" || path.StartsWithSegments("/_blazor")) return AdminRole.Viewer; // the dashboard checks each action itself
        if (path.StartsWithSegments("/api/v1/keys")) return AdminRole.Admin;
        // The list is metadata; one revision (its text), a diff (lines of text) and a restore are not.
        if (path.StartsWithSegments("/api/v1/config/revisions", out var rest) && rest.HasValue && rest != "/") return AdminRole.Admin;
        if (path.StartsWithSegments("/api/v1/services")) return safe ? AdminRole.Viewer : AdminRole.Operator;
        return safe ? AdminRole.Viewer : AdminRole.Admin;
    }
}
