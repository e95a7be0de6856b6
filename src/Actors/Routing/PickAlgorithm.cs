namespace FlowBalance.Actors.Routing;

/// <summary>How a pool chooses among its routable backends (<c>load_balancer.algorithm</c>).</summary>
public enum PickAlgorithm
{
    /// <summary>Smooth weighted round robin (nginx's), precomputed as a cycle.</summary>
    RoundRobin,

    /// <summary>The backend with the fewest in-flight requests per unit of weight.</summary>
    LeastOutstandingRequests,

    /// <summary>Two random backends, the one with fewer in-flight requests per weight; ties by latency.</summary>
    PowerOfTwoChoices,

    /// <summary>Weighted random.</summary>
    Random,
}

public static class PickAlgorithms
{
    public static PickAlgorithm Parse(string name) => name switch
    {
        "least_outstanding_requests" => PickAlgorithm.LeastOutstandingRequests,
        "power_of_two_choices" => PickAlgorithm.PowerOfTwoChoices,
        "random" => PickAlgorithm.Random,
        _ => PickAlgorithm.RoundRobin,
    };
}
