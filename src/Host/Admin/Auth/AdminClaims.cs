namespace FlowBalance.Host.Admin.Auth;

/// <summary>The claims an admin principal carries (roles and providers come with the security issue).</summary>
public static class AdminClaims
{
    /// <summary>How the caller proved who they are: <c>token</c> (bearer) or <c>session</c> (the browser's cookie).</summary>
    public const string Method = "flowbalance:auth_method";

    /// <summary>The address of the request the admin gate authenticated (the dashboard's audit entries name it).</summary>
    public const string Address = "flowbalance:address";

    /// <summary>The caller's <see cref="AdminRole"/> by name, where it is not implied by who they are (API keys).</summary>
    public const string Role = "flowbalance:role";
}
