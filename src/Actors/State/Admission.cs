namespace FlowBalance.Actors.State;

/// <summary>Whether the request path may send a request to a backend right now.</summary>
public enum Admission
{
    Rejected,
    Admitted,
    /// <summary>Admitted as the single trial request of a suspect or half-open backend; must be finished.</summary>
    Trial,
    /// <summary>
    /// Admitted while nothing in the service is routable (fail open): one request at a time per
    /// backend, whatever its breaker or health says. Its failure changes nothing; its success puts the
    /// backend back (as a half-open success would). Must be finished.
    /// </summary>
    Rescue,
}
