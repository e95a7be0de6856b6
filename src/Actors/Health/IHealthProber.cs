namespace FlowBalance.Actors.Health;

/// <summary>Probes one backend. Network failures are unhealthy results; an exception means the prober itself broke.</summary>
public interface IHealthProber
{
    Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Probes <paramref name="backend"/> the way the balancer talks to it (its protocol and TLS settings).
    /// Probers that only need the URL (scripted ones in tests) keep the default.</summary>
    Task<ProbeResult> ProbeAsync(Configuration.BackendDefinition backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProbeAsync(backend.Url, target, timeout, cancellationToken);
}
