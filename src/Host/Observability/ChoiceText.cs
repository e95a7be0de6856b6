using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// Words for why an attempt went to its backend: the request log's field values, and one readable
/// line for a dashboard ("round robin in pool default", "retry after connection error on b1; …").
/// The field values are constant strings (the proxy takes the retry metric's reason from
/// <see cref="RetryAfter"/>); <see cref="Describe"/> builds its line when the log is read, never on the request path.
/// </summary>
public static class ChoiceText
{
    /// <summary>The <c>chosen_by</c> value.</summary>
    public static string? ChosenBy(ChoiceMethod method) => method switch
    {
        ChoiceMethod.AffinityCookie => "affinity_cookie",
        ChoiceMethod.HeaderHash => "header_hash",
        ChoiceMethod.IpHash => "ip_hash",
        ChoiceMethod.RoundRobin => "round_robin",
        ChoiceMethod.LeastOutstandingRequests => "least_outstanding_requests",
        ChoiceMethod.PowerOfTwoChoices => "power_of_two_choices",
        ChoiceMethod.Random => "random",
        ChoiceMethod.Panic => "panic",
        ChoiceMethod.SlowStartBypass => "slow_start_bypass",
        ChoiceMethod.FailOpen => "fail_open",
        _ => null,
    };

    /// <summary>The <c>retry_after</c> value: the same words as the retry metric's <c>reason</c>; null for a first attempt.</summary>
    public static string? RetryAfter(RetryCause cause) => cause switch
    {
        RetryCause.ConnectionError => "connection_error",
        RetryCause.Status => "status",
        RetryCause.Reset => "reset",
        _ => null,
    };

    /// <summary>
    /// The <c>affinity</c> value: <c>hit</c> (the affinity key chose the backend), <c>moved</c> (its backend
    /// could not take the request), <c>unknown</c> (a cookie that names no backend); null without an affinity key.
    /// </summary>
    public static string? Affinity(BackendChoice choice) =>
        choice.Method is ChoiceMethod.AffinityCookie or ChoiceMethod.HeaderHash or ChoiceMethod.IpHash ? "hit"
        : choice.Has(ChoiceFlags.AffinityMoved) ? "moved"
        : choice.Has(ChoiceFlags.AffinityUnknown) ? "unknown"
        : null;

    /// <summary>
    /// One line saying why attempt <paramref name="index"/> of <paramref name="attempts"/> went to its
    /// backend, e.g. "session affinity (cookie) in pool default" or "retry after connection error on
    /// b1; fallback: pool eu had no untried routable backend; round robin in pool global".
    /// </summary>
    public static string Describe(ReadOnlySpan<AttemptRecord> attempts, int index)
    {
        var attempt = attempts[index];
        var choice = attempt.Choice;
        var parts = new List<string>(4);
        if (attempt.Retry != RetryCause.None)
        {
            var previous = index > 0 ? attempts[index - 1] : default;
            var after = attempt.Retry switch
            {
                RetryCause.ConnectionError => "connection error",
                RetryCause.Status => previous.Status != 0 ? $"status {previous.Status}" : "a retryable status",
                _ => "connection reset before the response",
            };
            parts.Add(previous.Backend is { } backend ? $"retry after {after} on {backend}" : $"retry after {after}");
        }
        var region = choice.Has(ChoiceFlags.Region) ? " (the client's region)" : "";
        if (choice.FallbackFrom is { } from)
        {
            parts.Add($"fallback: pool {from}{region} had no {(index > 0 ? "untried " : "")}routable backend");
            region = "";
        }
        parts.Add(choice.Method switch
        {
            ChoiceMethod.None => "no pick recorded",
            ChoiceMethod.AffinityCookie => $"session affinity (cookie) in pool {choice.Pool}{region}",
            ChoiceMethod.HeaderHash => $"session affinity (header hash) in pool {choice.Pool}{region}",
            ChoiceMethod.IpHash => $"session affinity (client address hash) in pool {choice.Pool}{region}",
            ChoiceMethod.RoundRobin => $"round robin in pool {choice.Pool}{region}",
            ChoiceMethod.LeastOutstandingRequests => $"least outstanding requests in pool {choice.Pool}{region}",
            ChoiceMethod.PowerOfTwoChoices => $"power of two choices in pool {choice.Pool}{region}",
            ChoiceMethod.Random => $"weighted random in pool {choice.Pool}{region}",
            ChoiceMethod.Panic => $"panic mode in pool {choice.Pool}{region}: too few healthy backends, every enabled one takes turns",
            ChoiceMethod.SlowStartBypass => $"last resort in pool {choice.Pool}{region}: no routable backend admitted the request, this one only held back by slow start",
            _ => $"fail open in pool {choice.Pool}{region}: nothing routable{(index > 0 ? " left untried" : "")}, the least recently failed backend",
        });
        if (choice.Has(ChoiceFlags.AffinityMoved)) parts.Add("the session's backend could not take it");
        if (choice.Has(ChoiceFlags.AffinityUnknown)) parts.Add("the affinity cookie named no backend");
        if (choice.Has(ChoiceFlags.Trial)) parts.Add("trial request of a suspect or half-open backend");
        return string.Join("; ", parts);
    }
}
