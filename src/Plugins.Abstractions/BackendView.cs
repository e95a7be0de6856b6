namespace FlowBalance.Plugins.Abstractions;

/// <summary>One backend's state at the moment it was read.</summary>
/// <param name="Id">The backend's id.</param>
/// <param name="Url">The backend's base URL.</param>
/// <param name="Weight">Its configured weight.</param>
/// <param name="Health">"unknown", "healthy" or "unhealthy" (active health checks).</param>
/// <param name="Breaker">"closed", "open" or "half-open".</param>
/// <param name="Routable">Whether new requests may be sent to it.</param>
/// <param name="InFlight">Requests being forwarded to it now.</param>
/// <param name="LatencyMs">Its recent average latency (exponentially weighted), in milliseconds.</param>
public sealed record BackendView(string Id, Uri Url, int Weight, string Health, string Breaker, bool Routable, long InFlight, double LatencyMs);
