namespace FlowBalance.Actors.Health;

/// <summary>One probe's verdict; <see cref="Target"/> is what to probe next time (discovery resolves it).</summary>
public sealed record ProbeResult(bool Healthy, ProbeTarget Target, string Detail);
