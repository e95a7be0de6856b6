using FlowBalance.Actors.Health;

namespace FlowBalance.Actors.Tests.Support;

/// <summary>
/// A prober whose answers the test decides, for actor logic (thresholds, crashes) that must not
/// depend on timing of real sockets; real HTTP probing is tested end to end against Kestrel.
/// </summary>
public sealed class ScriptedProber(Func<ProbeTarget, ProbeResult> answer) : IHealthProber
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public static ScriptedProber Healthy() => new(t => new ProbeResult(true, t.Mode == ProbeMode.Discover ? ProbeTarget.ForPath("/health") : t, "ok"));

    public Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(answer(target));
    }
}
