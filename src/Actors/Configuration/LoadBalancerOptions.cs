namespace FlowBalance.Actors.Configuration;

/// <summary><c>load_balancer { algorithm, session_affinity { } }</c>.</summary>
public sealed record LoadBalancerOptions(string Algorithm, SessionAffinityOptions SessionAffinity)
{
    public const string RoundRobin = "round_robin";

    public static readonly IReadOnlyList<string> Algorithms =
        [RoundRobin, "least_outstanding_requests", "power_of_two_choices", "random"];

    public static readonly LoadBalancerOptions Default = new(RoundRobin, SessionAffinityOptions.Default);
}
