using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.State;

public sealed class RoutingSnapshotTests
{
    [Fact]
    public void Pick_follows_the_weighted_cycle_from_its_start()
    {
        var service = new ServiceSlot(ConfigText.Load("""
            flowbalance.backends = [
              { url = "http://a.test", weight = 5 }, "http://b.test", "http://c.test"
            ]
            """).Services[0]);

        var picks = Enumerable.Range(0, 14).Select(_ => service.Current.Pick(out Admission _)!.Definition.Url.Host[0]);

        Assert.Equal("aabacaaaabacaa", string.Concat(picks));
    }

    [Fact]
    public void Pick_is_even_across_threads()
    {
        var service = new ServiceSlot(ConfigText.Load("flowbalance.backends = [\"http://a.test\", \"http://b.test\", \"http://c.test\"]").Services[0]);
        var counts = new int[3];

        Parallel.For(0, 30_000, _ =>
        {
            var picked = service.Current.Pick(out Admission _)!;
            Interlocked.Increment(ref counts[service.Backends.IndexOf(picked)]);
        });

        Assert.Equal([10_000, 10_000, 10_000], counts);
    }

    [Fact]
    public void A_service_without_backends_picks_nothing()
    {
        var service = new ServiceSlot(ConfigText.Load("flowbalance.backends = []").Services[0]);

        Assert.Null(service.Current.Pick(out Admission _));
    }
}
