using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Where the running configuration came from, so it can be read again: the file, a <c>--listen</c>
/// that overrides it, and the demo service started at startup (kept while the file configures none).
/// </summary>
public sealed record ConfigSource(string Path, string? ListenOverride, ServiceDefinition? DemoService);
