using Akka.Configuration;

namespace FlowBalance.Actors.Configuration;

/// <summary>Either validated options (plus the whole HOCON, whose <c>akka</c> section configures Akka.NET) or the list of problems.</summary>
public sealed record ConfigLoadResult(FlowBalanceOptions? Options, Config? Hocon, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Options is not null && Errors.Count == 0;
}
