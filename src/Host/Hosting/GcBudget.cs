using System.Globalization;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// The GC's gen0 budget, which the runtime otherwise sizes from the processor's cache (16 MiB and more
/// on a server CPU: tens of MB of resident memory that differ from machine to machine). The runtime
/// reads it only from the environment, so the launch profile sets it; a deployment that starts the
/// binary some other way is told in the banner.
/// </summary>
public static class GcBudget
{
    public const string Variable = "DOTNET_GCgen0size";
    public const string Recommended = "0x400000";
    private const string Legacy = "COMPlus_GCgen0size"; // the runtime still reads the old prefix

    /// <summary>The banner line.</summary>
    public static string Describe(Func<string, string?> environment)
    {
        var name = environment(Variable) is not null ? Variable : environment(Legacy) is not null ? Legacy : null;
        if (name is null)
            return $"memory: GC gen0 budget sized from this CPU's cache; {Variable}={Recommended} keeps it at 4 MiB (README, Performance)";
        var value = environment(name)!;
        return Bytes(value) is { } bytes
            ? $"memory: GC gen0 budget {bytes / 1024.0 / 1024:0.#} MiB ({name})"
            : $"memory: {name}={value} is not a hexadecimal byte count; the runtime ignores it";
    }

    /// <summary>The runtime reads GC settings as hexadecimal, with or without 0x.</summary>
    public static long? Bytes(string value)
    {
        var digits = value.Trim();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        return long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;
    }
}
