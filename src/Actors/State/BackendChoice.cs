namespace FlowBalance.Actors.State;

/// <summary>
/// Why a pick chose its backend: the method, the pool it came from and, for a fallback, the
/// client's pool that had nothing. The pool names are the configuration's own strings, so a pick
/// that reports its choice allocates nothing.
/// </summary>
public readonly record struct BackendChoice(string? Pool, string? FallbackFrom, ChoiceMethod Method, ChoiceFlags Flags)
{
    public bool Has(ChoiceFlags flag) => (Flags & flag) != 0;
}
