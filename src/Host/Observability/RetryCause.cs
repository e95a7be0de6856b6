namespace FlowBalance.Host.Observability;

/// <summary>Why an attempt was re-sent to another backend (the <c>reason</c> of <c>flowbalance_retries_total</c>).</summary>
public enum RetryCause : byte
{
    /// <summary>Not a retry: the request's first attempt.</summary>
    None,

    /// <summary>The previous backend could not be reached (refused, reset on connect, connect timeout).</summary>
    ConnectionError,

    /// <summary>The previous backend answered a retryable 502/503/504, which was held back from the client.</summary>
    Status,

    /// <summary>The previous backend's connection broke before its response started.</summary>
    Reset,
}
