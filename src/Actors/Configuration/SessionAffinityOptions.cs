namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>session_affinity { type, cookie_name, header_name, max_age, secret }</c>. <see cref="MaxAge"/>
/// zero means a session cookie; <see cref="Secret"/> null means cookies are signed with a key that
/// lives as long as the process.
/// </summary>
public sealed record SessionAffinityOptions(string Type, string CookieName, string HeaderName, TimeSpan MaxAge, string? Secret)
{
    public const string None = "none";
    public const string Cookie = "cookie";
    public const string Header = "header";
    public const string Ip = "ip";

    public static readonly IReadOnlyList<string> Types = [None, Cookie, Header, Ip];

    public static readonly SessionAffinityOptions Default = new(None, "lb_session", "X-Session-Id", TimeSpan.Zero, null);
}
