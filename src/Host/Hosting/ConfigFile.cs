using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Steering;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Reads and validates the config file the same way at startup, on every reload and for the admin
/// API's dry runs and edits (which check a text that is not yet the file: <see cref="Check"/>).
/// </summary>
public static class ConfigFile
{
    /// <summary>
    /// The file's own checks (ConfigLoader, with DEFAULT_BACKENDS from the environment), then the
    /// ones only the host can make (the MaxMind database opens and is a country database). The
    /// options are usable only when there are no problems.
    /// </summary>
    public static (ConfigLoadResult Loaded, IReadOnlyList<string> Problems) Load(string path)
    {
        var (_, loaded, problems) = Read(path);
        return (loaded, problems);
    }

    /// <summary><see cref="Load"/>, with the text that was checked (null when the file could not be read).</summary>
    public static (string? Text, ConfigLoadResult Loaded, IReadOnlyList<string> Problems) Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (ConfigLoader.ReadFile(full, out var error) is not { } text) return (null, new ConfigLoadResult(null, null, [error!]), [error!.ToString()]);
        var (loaded, problems) = Check(text, Path.GetDirectoryName(full)!);
        return (text, loaded, problems);
    }

    /// <summary>Validates <paramref name="text"/> as if it were the file in <paramref name="directory"/> (relative paths mean next to it).</summary>
    public static (ConfigLoadResult Loaded, IReadOnlyList<string> Problems) Check(string text, string directory)
    {
        if (text.Length > ConfigLimits.MaxBytes)
        {
            var tooLarge = ConfigLoader.TooLarge("text");
            return (new ConfigLoadResult(null, null, [tooLarge]), [tooLarge.ToString()]);
        }
        var loaded = ConfigLoader.Parse(text, Environment.GetEnvironmentVariable(ConfigLoader.DefaultBackendsVariable), directory);
        var problems = loaded.Errors.Select(e => e.ToString()).ToList();
        if (loaded.Options is { } options && GeoLocator.Problem(options.Geo) is { } geo)
        {
            problems.Add($"flowbalance.geo.database: {geo}");
            loaded = loaded with { Errors = [.. loaded.Errors, new ConfigError("flowbalance.geo.database", null, geo)] };
        }
        return (loaded, problems);
    }
}
