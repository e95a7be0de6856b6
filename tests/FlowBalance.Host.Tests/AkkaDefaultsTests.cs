using Akka.Configuration;
using FlowBalance.Host.Hosting;

namespace FlowBalance.Host.Tests;

public sealed class AkkaDefaultsTests
{
    [Fact]
    public void The_scheduler_ticks_every_50_ms_unless_the_file_says_otherwise()
    {
        var plain = AkkaDefaults.Under(ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var tuned = AkkaDefaults.Under(ConfigurationFactory.ParseString("akka { loglevel = WARNING\n scheduler.tick-duration = 10ms }"));

        Assert.Equal(TimeSpan.FromMilliseconds(50), plain.GetTimeSpan("akka.scheduler.tick-duration"));
        Assert.Equal("WARNING", plain.GetString("akka.loglevel"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), tuned.GetTimeSpan("akka.scheduler.tick-duration"));
    }
}
