namespace FlowBalance.Actors.Configuration;

/// <summary>
/// What a service checks about the client before anything else: <c>ip_allow</c>/<c>ip_deny</c> and
/// <c>rate_limit</c>. <see cref="ServiceSettings.ClientAccess"/> is null when neither is set, so such a
/// service pays one null check per request.
/// </summary>
public sealed record ClientAccessOptions(IpRules? Ip, RateLimitOptions? RateLimit);
