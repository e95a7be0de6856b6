using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>The validated <c>flowbalance { }</c> section: everything the balancer runs from.</summary>
public sealed record FlowBalanceOptions(
    string Listen,
    int DemoBackends,
    string PluginsDirectory,
    ImmutableArray<ServiceDefinition> Services,
    ImmutableArray<string> Warnings)
{
    public const string DefaultListen = "http://0.0.0.0:8080";

    public FlowBalanceOptions WithServices(ImmutableArray<ServiceDefinition> services) => this with { Services = services };
}
