using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>The config now applied: the file's text, its SHA-256, the parsed tree and the options the balancer runs with.</summary>
public sealed record RunningConfig(string Text, string Sha256, Akka.Configuration.Config? Hocon, FlowBalanceOptions Options);
