namespace FlowBalance.Host.Admin.Auth;

/// <summary>The claims an admin principal carries besides its name.</summary>
public static class AdminClaims
{
    /// <summary>How the caller proved who they are: <c>token</c> (bearer) or <c>session</c> (the browser's cookie).</summary>
    public const string Method = "flowbalance:auth_method";

    /// <summary>The address of the request the admin gate authenticated (the dashboard's audit entries name it).</summary>
    public const string Address = "flowbalance:address";

    /// <summary>A browser session's id hash (its row in the admin database), so an open dashboard can see it end.</summary>
    public const string Session = "flowbalance:session";

    /// <summary>The caller's <see cref="AdminRole"/> by name, where it is not implied by who they are (API keys).</summary>
    public const string Role = "flowbalance:role";
}
