using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>Why an attempt went to its backend, in words, for the request detail.</summary>
public static class AttemptWhy
{
    public static string Describe(AttemptRecord attempt, int index) => index == 0 ? "first choice" : "retry";
}
