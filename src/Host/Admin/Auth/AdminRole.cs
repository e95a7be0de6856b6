using System.Security.Claims;

namespace FlowBalance.Host.Admin.Auth;

/// <summary>
/// What a caller may do: <c>viewer</c> reads everything but secrets, <c>operator</c> also steers backends
/// (weight, drain, disable, enable), <c>admin</c> also edits the configuration, rolls it back and manages
/// API keys. Each role includes the ones below it.
/// </summary>
public enum AdminRole
{
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}

public static class AdminRoles
{
    public static readonly string[] Names = ["viewer", "operator", "admin"];

    public static string Name(this AdminRole role) => role switch
    {
        AdminRole.Admin => "admin",
        AdminRole.Operator => "operator",
        _ => "viewer",
    };

    public static AdminRole? Parse(string? name) => name switch
    {
        "viewer" => AdminRole.Viewer,
        "operator" => AdminRole.Operator,
        "admin" => AdminRole.Admin,
        _ => null,
    };

    /// <summary>
    /// The caller's role: the role claim (API keys), else the admin token's holder (bearer or a session
    /// started with it) is admin; anyone else is a viewer.
    /// </summary>
    public static AdminRole Of(ClaimsPrincipal user) =>
        Parse(user.FindFirst(AdminClaims.Role)?.Value)
        ?? (user.Identity?.Name?.StartsWith("token:", StringComparison.Ordinal) == true ? AdminRole.Admin : AdminRole.Viewer);
}
