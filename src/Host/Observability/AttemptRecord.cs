using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>One attempt of a request, as the request log keeps it.</summary>
public readonly record struct AttemptRecord(string Backend, OutcomeKind Outcome, int Status, long DurationTicks);
