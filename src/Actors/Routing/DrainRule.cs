namespace FlowBalance.Actors.Routing;

/// <summary>
/// When an admin drain is over. Nothing may be in flight; with cookie affinity the backend's sessions
/// (the only requests still reaching it) must also have moved: none came for <see cref="SessionQuiet"/>,
/// or <c>drain_timeout</c> has passed. Header/IP sessions move at once (the ring skips a draining backend).
/// </summary>
public static class DrainRule
{
    /// <summary>No session request for this long: its clients have moved on (or gone).</summary>
    public static readonly TimeSpan SessionQuiet = TimeSpan.FromSeconds(5);

    /// <summary>Why the drain is over, or null while it goes on.</summary>
    public static string? Finished(long inFlight, bool cookieSessions, DateTimeOffset now, DateTimeOffset deadline, TimeSpan quietFor)
    {
        if (inFlight > 0) return null;
        if (!cookieSessions) return "no request in flight";
        if (quietFor >= SessionQuiet) return $"no request in flight and no session request for {SessionQuiet.TotalSeconds:0} s";
        return now >= deadline ? "no request in flight and drain_timeout passed" : null;
    }
}
