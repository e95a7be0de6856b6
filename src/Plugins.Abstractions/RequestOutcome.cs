namespace FlowBalance.Plugins.Abstractions;

/// <summary>How a request ended.</summary>
/// <param name="Service">The service's name.</param>
/// <param name="BackendId">The last backend tried, or null when none was (handled by a plugin, or no backend was up).</param>
/// <param name="StatusCode">The status sent to the client.</param>
/// <param name="Attempts">How many backends were tried.</param>
/// <param name="Duration">From the first plugin hook to the end of the response.</param>
/// <param name="Error">Why forwarding failed (e.g. "Request", "RequestTimedOut"), or null.</param>
public readonly record struct RequestOutcome(string Service, string? BackendId, int StatusCode, int Attempts, TimeSpan Duration, string? Error);
