using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The one-line explanation of an attempt's backend, for each way a pick can choose.</summary>
public sealed class ChoiceTextTests
{
    [Theory]
    [InlineData(ChoiceMethod.RoundRobin, ChoiceFlags.None, "round robin in pool primary")]
    [InlineData(ChoiceMethod.AffinityCookie, ChoiceFlags.None, "session affinity (cookie) in pool primary")]
    [InlineData(ChoiceMethod.HeaderHash, ChoiceFlags.None, "session affinity (header hash) in pool primary")]
    [InlineData(ChoiceMethod.IpHash, ChoiceFlags.Region, "session affinity (client address hash) in pool primary (the client's region)")]
    [InlineData(ChoiceMethod.LeastOutstandingRequests, ChoiceFlags.Trial, "least outstanding requests in pool primary; trial request of a suspect or half-open backend")]
    [InlineData(ChoiceMethod.Random, ChoiceFlags.AffinityUnknown, "weighted random in pool primary; the affinity cookie named no backend")]
    [InlineData(ChoiceMethod.Panic, ChoiceFlags.None, "panic mode in pool primary: too few healthy backends, every enabled one takes turns")]
    [InlineData(ChoiceMethod.FailOpen, ChoiceFlags.AffinityMoved, "fail open in pool primary: nothing routable, the least recently failed backend; the session's backend could not take it")]
    public void Describe_FirstAttempt_NamesMethodPoolAndCircumstances(ChoiceMethod method, ChoiceFlags flags, string expected)
    {
        AttemptRecord[] attempts = [new("b1", OutcomeKind.Response, 200, 1, new BackendChoice("primary", null, method, flags))];

        Assert.Equal(expected, ChoiceText.Describe(attempts, 0));
    }

    [Fact]
    public void Describe_Fallback_NamesThePoolThatHadNothing()
    {
        AttemptRecord[] attempts = [new("b3", OutcomeKind.Response, 200, 1, new BackendChoice("backup", "primary", ChoiceMethod.RoundRobin, ChoiceFlags.Fallback))];

        Assert.Equal("fallback: pool primary had no routable backend; round robin in pool backup", ChoiceText.Describe(attempts, 0));
    }

    [Theory]
    [InlineData(RetryCause.ConnectionError, "connection_error", "retry after connection error on b1; round robin in pool primary")]
    [InlineData(RetryCause.Status, "status", "retry after status 503 on b1; round robin in pool primary")]
    [InlineData(RetryCause.Reset, "reset", "retry after connection reset before the response on b1; round robin in pool primary")]
    public void Describe_Retry_NamesWhatEndedThePreviousAttempt(RetryCause cause, string label, string expected)
    {
        var choice = new BackendChoice("primary", null, ChoiceMethod.RoundRobin, ChoiceFlags.None);
        AttemptRecord[] attempts = [new("b1", OutcomeKind.Response, 503, 1, choice), new("b2", OutcomeKind.Response, 200, 1, choice, cause)];

        Assert.Equal(expected, ChoiceText.Describe(attempts, 1));
        Assert.Equal(label, ChoiceText.RetryAfter(cause));
    }
}
