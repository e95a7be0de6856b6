namespace FlowBalance.Actors.State;

/// <summary>How one forwarded request ended, from the backend's point of view.</summary>
public enum OutcomeKind
{
    /// <summary>The backend answered; the status code tells the rest.</summary>
    Response,
    /// <summary>The connection failed: refused, reset, closed, or nothing could be read.</summary>
    ConnectionError,
    /// <summary>The backend answered something unusable (invalid status line or headers, too large, cut short).</summary>
    BadResponse,
    Timeout,
    /// <summary>The client went away; never held against the backend.</summary>
    ClientAborted,
    /// <summary>The request could not be sent as the client gave it (e.g. a header the HTTP client refuses); never held against the backend.</summary>
    RequestRefused,
}
