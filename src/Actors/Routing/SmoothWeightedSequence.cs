namespace FlowBalance.Actors.Routing;

/// <summary>
/// nginx's smooth weighted round robin, unrolled into one cycle: each step every backend gains its
/// weight, the richest is chosen and pays the total. Weights 5:1:1 give a,a,b,a,c,a,a: a heavy
/// backend's share is spread through the cycle, never sent as a burst. Precomputing the cycle
/// lets the request path pick with one Interlocked increment and an array read.
/// </summary>
public static class SmoothWeightedSequence
{
    public static int[] Build(IReadOnlyList<int> weights)
    {
        if (weights.Count == 0) return [];
        var divisor = weights.Aggregate(Gcd);
        var reduced = weights.Select(w => w / divisor).ToArray();
        var total = reduced.Sum();
        var current = new long[reduced.Length];
        var sequence = new int[total];
        for (var step = 0; step < total; step++)
        {
            var best = 0;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (current[i] > current[best]) best = i;
            }
            current[best] -= total;
            sequence[step] = best;
        }
        return sequence;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
