using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>One attempt of a request, as the request log keeps it: where it went, how it ended, and why that backend.</summary>
/// <param name="Choice">What picked the backend and from which pool (the pick's own struct: no copy of any string).</param>
/// <param name="Retry">For a retry, what ended the previous attempt (that attempt's backend is the one before this in the list).</param>
public readonly record struct AttemptRecord(
    string Backend, OutcomeKind Outcome, int Status, long DurationTicks, BackendChoice Choice = default, RetryCause Retry = RetryCause.None);
