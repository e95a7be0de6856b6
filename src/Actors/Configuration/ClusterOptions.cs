using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>A <c>host:port</c> pair of <c>cluster.bind</c>, <c>public_address</c> and <c>seeds</c>: FlowBalance builds Akka's addresses from them.</summary>
public readonly record struct ClusterAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public bool IsWildcard => Host is "0.0.0.0" or "::" or "*";
}

/// <summary>
/// <c>cluster { enabled, region, node_name, bind, public_address, seeds, tls { certificate, key }, stable_after }</c>:
/// several FlowBalance nodes as one Akka.NET cluster, in FlowBalance's words. Off by default: then nothing of
/// Akka.Remote or Akka.Cluster runs and no port is opened. The region becomes a cluster role.
/// </summary>
public sealed record ClusterOptions(bool Enabled, string Region, string NodeName, ClusterAddress Bind, ClusterAddress PublicAddress, ImmutableArray<ClusterAddress> Seeds)
{
    public const int DefaultPort = 4053;

    /// <summary><c>cluster.tls</c>: the certificate (and key) every node shares; nodes accept only peers presenting it.</summary>
    public string? Certificate { get; init; }

    public string? CertificateKey { get; init; }

    /// <summary>
    /// <c>cluster.stable_after</c>: how long membership must be unchanged before the split-brain resolver
    /// downs the unreachable side (Akka's <c>stable-after</c>); long enough for cross-region hiccups.
    /// </summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(20);

    public static ClusterOptions Disabled { get; } = new(false, "default", Environment.MachineName.ToLowerInvariant(), new("0.0.0.0", DefaultPort), new("127.0.0.1", DefaultPort), []);
}
