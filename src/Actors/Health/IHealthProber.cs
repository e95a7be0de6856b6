namespace FlowBalance.Actors.Health;

/// <summary>Probes one backend. Network failures are unhealthy results; an exception means the prober itself broke.</summary>
public interface IHealthProber
{
    Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken);
}
