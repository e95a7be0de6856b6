using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using Xunit.Abstractions;

namespace FlowBalance.Actors.Tests.Routing;

/// <summary>Consistent hashing: stable keys, even spread, weights honoured, few keys moved by a new backend.</summary>
public sealed class HashRingTests(ITestOutputHelper output)
{
    private const int Keys = 20_000;

    [Fact]
    public void Adding_one_backend_to_ten_moves_about_a_tenth_of_the_keys()
    {
        var ten = Backends(10);
        var eleven = ten.Add(Backend("b10", 1));
        var before = new HashRing(ten);
        var after = new HashRing(eleven);

        var moved = Enumerable.Range(0, Keys).Count(k => Owner(before, $"session-{k}") != Owner(after, $"session-{k}"));
        var fraction = (double)moved / Keys;
        output.WriteLine($"adding an 11th backend moved {fraction:P1} of {Keys} keys");

        // Ideal: 1/11 ≈ 9.1% (exactly the keys the new backend takes); rehashing everything would move ~91%.
        Assert.InRange(fraction, 0.06, 0.13);
        Assert.All(Enumerable.Range(0, 2_000), k =>
        {
            var owner = Owner(after, $"session-{k}");
            if (owner != Owner(before, $"session-{k}")) Assert.Equal("b10", owner); // keys only move to the new backend
        });
    }

    [Fact]
    public void Keys_spread_evenly_and_weights_are_honoured()
    {
        var even = new HashRing(Backends(4));
        var counts = Enumerable.Range(0, Keys).GroupBy(k => Owner(even, $"k{k}")).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(counts.Values, c => Assert.InRange(c, Keys / 4 * 0.8, Keys / 4 * 1.2));

        var weighted = new HashRing([Backend("heavy", 3), Backend("light", 1)]);
        var heavy = Enumerable.Range(0, Keys).Count(k => Owner(weighted, $"k{k}") == "heavy");
        Assert.InRange((double)heavy / Keys, 0.70, 0.80);
    }

    [Fact]
    public void The_same_key_lands_on_the_same_backend_in_every_ring_built_from_the_same_backends() =>
        Assert.All(Enumerable.Range(0, 500), k => Assert.Equal(Owner(new HashRing(Backends(7)), $"k{k}"), Owner(new HashRing(Backends(7)), $"k{k}")));

    private static string Owner(HashRing ring, string key) => ring.At(ring.Start(StableHash.Of(key))).Definition.Id;

    private static ImmutableArray<BackendSlot> Backends(int count) => [.. Enumerable.Range(0, count).Select(i => Backend($"b{i}", 1))];

    private static BackendSlot Backend(string id, int weight) =>
        new(new BackendDefinition(id, new Uri($"http://{id}.test"), weight), CircuitBreakerOptions.Default);
}
