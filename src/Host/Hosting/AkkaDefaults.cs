using Akka.Configuration;
using AkkaConfig = Akka.Configuration.Config;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Akka.NET settings FlowBalance changes from Akka's own defaults; the config file's <c>akka { }</c>
/// section still wins over each of them.
/// </summary>
public static class AkkaDefaults
{
    /// <summary>
    /// The scheduler's wheel turns every 50 ms instead of 10 ms. Every actor timer (health probes,
    /// metric samples, breaker half-open) fires on a tick, so a coarser tick wakes the process 20
    /// rather than 100 times a second and runs more timers per wake-up. With 1,000 backends probed
    /// every second that took health checking from 9-10% to about 6% of a core (bench/RESULTS.md);
    /// nothing here needs timers finer than 50 ms (retry backoff does not use the actor scheduler).
    /// </summary>
    public static readonly AkkaConfig Defaults = ConfigurationFactory.ParseString("akka.scheduler.tick-duration = 50ms");

    /// <summary>Akka.NET's log level: the file's <c>akka.loglevel</c>, else warning (its info lines are startup chatter).</summary>
    public static Akka.Event.LogLevel LogLevel(AkkaConfig file)
    {
        var name = file.HasPath("akka.loglevel") ? file.GetString("akka.loglevel") : null;
        return name?.Trim().ToUpperInvariant() switch
        {
            "DEBUG" => Akka.Event.LogLevel.DebugLevel,
            "INFO" => Akka.Event.LogLevel.InfoLevel,
            "ERROR" or "OFF" => Akka.Event.LogLevel.ErrorLevel,
            _ => Akka.Event.LogLevel.WarningLevel,
        };
    }

    /// <summary>The file's HOCON with FlowBalance's Akka defaults under it.</summary>
    public static AkkaConfig Under(AkkaConfig file) => file.WithFallback(Defaults);
}
