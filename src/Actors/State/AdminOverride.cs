namespace FlowBalance.Actors.State;

/// <summary>
/// A runtime action on one backend, as the operator asked for it: a weight, a state, or both
/// (null leaves that part to the configuration file). Kept by service name + backend id.
/// </summary>
public sealed record AdminOverride(int? Weight, AdminState? State)
{
    public static readonly AdminOverride None = new(null, null);

    public bool IsEmpty => Weight is null && State is null;

    /// <summary>This override with the parts <paramref name="change"/> gives replaced.</summary>
    public AdminOverride With(AdminOverride change) => new(change.Weight ?? Weight, change.State ?? State);
}
