namespace FlowBalance.Plugins.Abstractions;

/// <summary>The backend chosen for one attempt of a request.</summary>
/// <param name="Service">The service's name.</param>
/// <param name="BackendId">The backend's id (host-port, stable across reloads).</param>
/// <param name="BackendUrl">The backend's base URL.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
public readonly record struct RoutingDecision(string Service, string BackendId, Uri BackendUrl, int Attempt);
