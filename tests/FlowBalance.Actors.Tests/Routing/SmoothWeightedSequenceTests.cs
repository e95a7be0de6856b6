using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.Tests.Routing;

public sealed class SmoothWeightedSequenceTests
{
    [Fact]
    public void Weights_5_1_1_give_the_nginx_sequence()
    {
        var names = SmoothWeightedSequence.Build([5, 1, 1]).Select(i => "abc"[i]);

        Assert.Equal("aabacaa", string.Concat(names));
    }

    [Fact]
    public void Equal_weights_are_plain_round_robin()
    {
        Assert.Equal([0, 1, 2], SmoothWeightedSequence.Build([4, 4, 4]));
    }

    [Fact]
    public void Each_backend_gets_exactly_its_share_of_the_cycle()
    {
        var sequence = SmoothWeightedSequence.Build([3, 1, 6]);

        Assert.Equal(10, sequence.Length);
        Assert.Equal([3, 1, 6], Enumerable.Range(0, 3).Select(i => sequence.Count(s => s == i)));
    }

    [Fact]
    public void A_heavy_backend_is_never_sent_a_burst_when_others_have_weight()
    {
        var sequence = SmoothWeightedSequence.Build([3, 1]);

        Assert.Equal([0, 0, 1, 0], sequence);
    }
}
