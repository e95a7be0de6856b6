namespace FlowBalance.Host.Admin.Config;

/// <summary>
/// A line diff of two texts as unified-diff lines (" " kept, "-" removed, "+" added), every line
/// shown. The common head and tail are skipped before the longest-common-subsequence table, so the
/// usual edit costs little; past <see cref="MaxCells"/> the middle is shown as removed then added.
/// </summary>
public static class LineDiff
{
    /// <summary>The largest table built (middle lines of one text times the other's): 4 M cells, 16 MB.</summary>
    public const long MaxCells = 4_000_000;

    public static List<string> Lines(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head]) head++;
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;
        var result = new List<string>(a.Length + b.Length);
        for (var i = 0; i < head; i++) result.Add(" " + a[i]);
        var (n, m) = (a.Length - head - tail, b.Length - head - tail);
        if ((long)n * m > MaxCells)
        {
            for (var i = 0; i < n; i++) result.Add("-" + a[head + i]);
            for (var j = 0; j < m; j++) result.Add("+" + b[head + j]);
        }
        else
        {
            Middle(a.AsSpan(head, n), b.AsSpan(head, m), result);
        }
        for (var i = a.Length - tail; i < a.Length; i++) result.Add(" " + a[i]);
        return result;
    }

    private static void Middle(ReadOnlySpan<string> a, ReadOnlySpan<string> b, List<string> into)
    {
        // lcs[i, j]: the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--) lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        }
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                into.Add(" " + a[x++]);
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1]) into.Add("-" + a[x++]);
            else into.Add("+" + b[y++]);
        }
        while (x < a.Length) into.Add("-" + a[x++]);
        while (y < b.Length) into.Add("+" + b[y++]);
    }

    private static string[] Split(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
