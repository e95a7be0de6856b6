using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Health;

/// <summary>
/// Turns probe results into health: <c>consecutive_down</c> failures make a backend unhealthy,
/// <c>consecutive_up</c> successes make it healthy again. A first success marks an unknown backend healthy.
/// </summary>
public sealed class ProbeStreak(int consecutiveUp, int consecutiveDown)
{
    private int _ups;
    private int _downs;

    /// <summary>The last probe failed (a backend on its way out, or out): probe it sooner.</summary>
    public bool Failing => _downs > 0;

    /// <summary>Forgets the streaks (health was decided otherwise, e.g. by a request that succeeded).</summary>
    public void Reset()
    {
        _ups = 0;
        _downs = 0;
    }

    /// <summary>The health after this result, or null when it does not change.</summary>
    public BackendHealth? Record(bool healthy, BackendHealth current)
    {
        if (healthy)
        {
            _downs = 0;
            _ups++;
            return current switch
            {
                BackendHealth.Unknown => BackendHealth.Healthy,
                BackendHealth.Unhealthy when _ups >= consecutiveUp => BackendHealth.Healthy,
                _ => null,
            };
        }
        _ups = 0;
        _downs++;
        return current != BackendHealth.Unhealthy && _downs >= consecutiveDown ? BackendHealth.Unhealthy : null;
    }
}
