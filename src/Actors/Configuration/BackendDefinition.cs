namespace FlowBalance.Actors.Configuration;

/// <summary>
/// One backend origin. <see cref="Id"/> is stable and readable (used in actor names and metrics).
/// <see cref="MaxConnections"/> is the backend's own <c>max_connections</c> (null: the service's).
/// </summary>
public sealed record BackendDefinition(string Id, Uri Url, int Weight, int? MaxConnections = null)
{
    public const int MaxWeight = 1000;

    /// <summary>How the balancer (and its probes) connect: the backend's own <c>protocol</c>/TLS keys over the service's.</summary>
    public UpstreamOptions Upstream { get; init; } = UpstreamOptions.Default;

    /// <summary>The URL without a trailing slash, ready to prefix a request path.</summary>
    public string Prefix { get; } = Url.AbsoluteUri.TrimEnd('/');
}
