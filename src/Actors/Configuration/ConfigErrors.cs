namespace FlowBalance.Actors.Configuration;

/// <summary>Collects every problem found while mapping the configuration, with line numbers from the outline.</summary>
internal sealed class ConfigErrors(HoconOutline? outline, string? baseDirectory = null)
{
    /// <summary>What relative paths in the file are relative to (the config file's folder).</summary>
    public string BaseDirectory { get; } = baseDirectory ?? Environment.CurrentDirectory;

    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _warnings = [];
    private readonly HashSet<(string, string)> _seen = [];

    public IReadOnlyList<ConfigError> All => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Adds a problem once; top-level defaults are read for every service but reported once.</summary>
    public void Add(string path, string message)
    {
        if (_seen.Add((path, message))) _errors.Add(new ConfigError(path, outline?.LineOf(path), message));
    }

    public int? LineOf(string path) => outline?.LineOf(path);

    public void AddGeneral(ConfigError error) => _errors.Add(error);

    public void Warn(string message) => _warnings.Add(message);
}
