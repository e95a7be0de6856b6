namespace FlowBalance.Actors.Configuration;

/// <summary><c>session_affinity { type, cookie_name, header_name }</c>.</summary>
public sealed record SessionAffinityOptions(string Type, string CookieName, string HeaderName)
{
    public static readonly IReadOnlyList<string> Types = ["none", "cookie", "header", "ip"];

    public static readonly SessionAffinityOptions Default = new("none", "lb_session", "X-Session-Id");
}
