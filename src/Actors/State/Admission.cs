namespace FlowBalance.Actors.State;

/// <summary>Whether the request path may send a request to a backend right now.</summary>
public enum Admission
{
    Rejected,
    Admitted,
    /// <summary>Admitted as the single trial request of a suspect or half-open backend; must be finished.</summary>
    Trial,
}
