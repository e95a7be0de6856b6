namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>
/// Where a login may send the browser afterwards: back into the admin plane only, else the dashboard.
/// An open redirect would send a freshly logged-in browser anywhere (<c>//evil.example</c> is another host).
/// </summary>
public static class LocalReturn
{
    public static string Of(string? back, string adminPath) =>
        back is { Length: > 0 } && back.StartsWith(adminPath + "/", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) && !back.Contains('\\')
            ? back
            : adminPath + "/";
}
