namespace FlowBalance.Actors.State;

/// <summary>What picked a request's backend (the request log's <c>chosen_by</c>).</summary>
public enum ChoiceMethod : byte
{
    /// <summary>No pick was recorded.</summary>
    None,

    /// <summary>The request's affinity cookie named the backend, and it could take the request.</summary>
    AffinityCookie,

    /// <summary>The affinity header's hash, placed on the pool's ring.</summary>
    HeaderHash,

    /// <summary>The client address's hash, placed on the pool's ring.</summary>
    IpHash,

    RoundRobin,
    LeastOutstandingRequests,
    PowerOfTwoChoices,
    Random,

    /// <summary>Panic mode: too few backends of the pool look healthy, so every enabled one takes turns, health ignored.</summary>
    Panic,

    /// <summary>No routable backend admitted the request, and this one was refused only for its slow start.</summary>
    SlowStartBypass,

    /// <summary>Nothing admitted the request: the least recently failed backend, whatever its health (one rescue at a time).</summary>
    FailOpen,
}
