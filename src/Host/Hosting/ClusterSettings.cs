using System.Globalization;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// FlowBalance's Akka.Cluster tuning, chosen for nodes in several regions (100–300 ms round trips); the
/// file's <c>akka</c> section wins over each value.
/// <list type="bullet">
/// <item>Split-brain resolver: keep-majority (Akka's default), after <c>cluster.stable_after</c> (20 s) of stable
/// membership, with <c>down-all-when-unstable</c> off: a flapping WAN link must not down the whole fleet.
/// Keep-majority is symmetric (no node is special) and the minority's nodes keep serving their clients
/// anyway (<see cref="ClusterNode"/>); keep-oldest would let one old node outvote a whole region.</item>
/// <item>Failure detector: heartbeats every second, 6 s of missed heartbeats tolerated (Akka's default 3 s
/// is for one data centre): a GC pause or a slow cross-region hop is not a dead node.</item>
/// <item>Frames up to 4 MiB: replicated configurations travel whole (Akka drops larger frames silently).</item>
/// </list>
/// </summary>
public static class ClusterSettings
{
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    public static string Tuning(ClusterOptions cluster) => string.Create(CultureInfo.InvariantCulture, $$"""
        akka.cluster {
          split-brain-resolver {
            active-strategy = keep-majority
            stable-after = {{cluster.StableAfter.TotalSeconds}}s
            down-all-when-unstable = off
          }
          failure-detector {
            heartbeat-interval = 1s
            acceptable-heartbeat-pause = 6s
            threshold = 10.0
          }
        }
        akka.remote.dot-netty.tcp.log-frame-size-exceeding = {{MaxFrameBytes / 2}}b
        """);
}
