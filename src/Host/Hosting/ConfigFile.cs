using FlowBalance.Actors.Configuration;
using FlowBalance.Host.Steering;

namespace FlowBalance.Host.Hosting;

/// <summary>Reads and validates the config file the same way at startup and on every reload.</summary>
public static class ConfigFile
{
    /// <summary>
    /// The file's own checks (ConfigLoader, with DEFAULT_BACKENDS from the environment), then the
    /// ones only the host can make (the MaxMind database opens and is a country database). The
    /// options are usable only when there are no problems.
    /// </summary>
    public static (ConfigLoadResult Loaded, IReadOnlyList<string> Problems) Load(string path)
    {
        var loaded = ConfigLoader.LoadFile(path, Environment.GetEnvironmentVariable(ConfigLoader.DefaultBackendsVariable));
        var problems = loaded.Errors.Select(e => e.ToString()).ToList();
        if (loaded.Options is { } options && GeoLocator.Problem(options.Geo) is { } geo) problems.Add($"flowbalance.geo.database: {geo}");
        return (loaded, problems);
    }
}
