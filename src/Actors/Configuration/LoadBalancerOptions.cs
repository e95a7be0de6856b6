namespace FlowBalance.Actors.Configuration;

/// <summary><c>load_balancer { algorithm, session_affinity { } }</c>.</summary>
public sealed record LoadBalancerOptions(string Algorithm, SessionAffinityOptions SessionAffinity)
{
    public const string RoundRobin = "round_robin";

    public static readonly IReadOnlyList<string> Algorithms =
        [RoundRobin, "least_outstanding_requests", "power_of_two_choices", "random"];

    public static readonly LoadBalancerOptions Default = new(RoundRobin, SessionAffinityOptions.Default);
}

/// <summary><c>session_affinity { type, cookie_name, header_name }</c>.</summary>
public sealed record SessionAffinityOptions(string Type, string CookieName, string HeaderName)
{
    public static readonly IReadOnlyList<string> Types = ["none", "cookie", "header", "ip"];

    public static readonly SessionAffinityOptions Default = new("none", "lb_session", "X-Session-Id");
}
