namespace FlowBalance.Actors.State;

/// <summary>
/// The admin side of a backend as its ServiceActor published it: the override in force, the state it
/// puts the backend in now (a drain ends in <see cref="AdminState.Disabled"/>), and a drain's progress.
/// </summary>
public sealed record BackendAdmin(AdminOverride Override, AdminState State, DateTimeOffset? DrainStarted = null, DateTimeOffset? DrainDeadline = null)
{
    public static readonly BackendAdmin None = new(AdminOverride.None, AdminState.Enabled);
}
