using System.Collections.Immutable;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// A consistent-hash ring over a pool's backends (every backend, routable or not, so health changes
/// never remap the keys of other backends). Each backend owns points in proportion to its weight;
/// adding one backend to ten moves about a tenth of the keys. Built when membership changes, read
/// lock-free: a lookup is a binary search.
/// </summary>
public sealed class HashRing
{
    private const int PointsPerWeightUnit = 256;
    private const int MaxPointsPerBackend = 8_192;
    private const int MaxPoints = 500_000;

    private readonly ulong[] _points;
    private readonly int[] _owners;

    public HashRing(ImmutableArray<BackendSlot> backends)
    {
        Backends = backends;
        if (backends.IsEmpty)
        {
            _points = [];
            _owners = [];
            return;
        }
        var minWeight = backends.Min(b => b.Weight);
        var perBackend = backends.Select(b => Math.Min(MaxPointsPerBackend, PointsPerWeightUnit * b.Weight / minWeight)).ToArray();
        var total = perBackend.Sum();
        if (total > MaxPoints) perBackend = [.. perBackend.Select(p => Math.Max(1, (int)((long)p * MaxPoints / total)))];

        var ring = new List<(ulong Point, int Owner)>(perBackend.Sum());
        for (var i = 0; i < backends.Length; i++)
        {
            var id = backends[i].Definition.Id;
            for (var v = 0; v < perBackend[i]; v++) ring.Add((StableHash.Of($"{id}#{v}"), i));
        }
        ring.Sort((a, b) => a.Point.CompareTo(b.Point));
        _points = [.. ring.Select(r => r.Point)];
        _owners = [.. ring.Select(r => r.Owner)];
    }

    public ImmutableArray<BackendSlot> Backends { get; }

    public int Count => _points.Length;

    /// <summary>The ring position that owns <paramref name="hash"/>: the first point at or after it, wrapping around.</summary>
    public int Start(ulong hash)
    {
        var index = Array.BinarySearch(_points, hash);
        if (index < 0) index = ~index;
        return index == _points.Length ? 0 : index;
    }

    /// <summary>The backend at ring position <paramref name="position"/> (any integer; wraps around).</summary>
    public BackendSlot At(int position) => Backends[_owners[(int)((uint)position % (uint)_owners.Length)]];
}
