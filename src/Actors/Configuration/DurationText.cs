using System.Globalization;

namespace FlowBalance.Actors.Configuration;

/// <summary>Parses and prints durations the way HOCON writes them ("500ms", "2s", "1m").</summary>
public static class DurationText
{
    private static readonly (string Suffix, double Ms)[] Units =
    [
        ("ms", 1), ("millis", 1), ("milliseconds", 1),
        ("s", 1000), ("seconds", 1000), ("second", 1000),
        ("m", 60_000), ("minutes", 60_000), ("minute", 60_000),
        ("h", 3_600_000), ("hours", 3_600_000), ("hour", 3_600_000),
        ("d", 86_400_000), ("days", 86_400_000), ("day", 86_400_000),
    ];

    public static TimeSpan? Parse(string text, TimeSpan bareUnit)
    {
        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.')) digits++;
        if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }
        var unit = span[digits..].Trim();
        if (unit.IsEmpty) return Clamped(amount * bareUnit.TotalMilliseconds);
        foreach (var (suffix, ms) in Units)
        {
            if (unit.Equals(suffix, StringComparison.OrdinalIgnoreCase)) return Clamped(amount * ms);
        }
        return null;
    }

    /// <summary>A duration too long for TimeSpan ("9999999999999999999s") is TimeSpan.MaxValue, which every range check refuses; TimeSpan itself would throw.</summary>
    private static TimeSpan Clamped(double milliseconds) =>
        milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.Milliseconds != 0
            ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
            : $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
}
