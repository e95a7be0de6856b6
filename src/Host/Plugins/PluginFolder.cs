namespace FlowBalance.Host.Plugins;

/// <summary>
/// One subfolder of the plugins directory. Its name is the plugin's name (the key of its
/// <c>flowbalance.plugins</c> section); <see cref="Fingerprint"/> changes whenever a file in it does.
/// </summary>
public sealed record PluginFolder(string Name, string Path, string Fingerprint)
{
    private static readonly string[] WatchedExtensions = [".dll", ".json", ".so", ".dylib"];

    public static IReadOnlyList<PluginFolder> Scan(string pluginsDirectory)
    {
        if (!Directory.Exists(pluginsDirectory)) return [];
        return [.. Directory.EnumerateDirectories(pluginsDirectory)
            .Where(path => !System.IO.Path.GetFileName(path).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(path => new PluginFolder(System.IO.Path.GetFileName(path), path, FingerprintOf(path)))];
    }

    public bool HasAssemblies => Directory.EnumerateFiles(Path, "*.dll").Any();

    /// <summary>
    /// The plugin's main assembly: <c>{folder}.dll</c>; else the one named by the folder's single
    /// <c>*.deps.json</c> (what <c>dotnet build</c> writes); else the only DLL that references the
    /// plugin contract. Null with <paramref name="problem"/> set when none or several qualify.
    /// </summary>
    public string? MainAssembly(out string? problem)
    {
        problem = null;
        var byFolder = System.IO.Path.Combine(Path, Name + ".dll");
        if (File.Exists(byFolder)) return byFolder;
        var deps = Directory.GetFiles(Path, "*.deps.json");
        if (deps.Length == 1)
        {
            var named = System.IO.Path.Combine(Path, System.IO.Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll");
            if (File.Exists(named)) return named;
        }
        var candidates = Directory.GetFiles(Path, "*.dll").Where(ReferencesContract).ToList();
        if (candidates.Count == 1) return candidates[0];
        problem = candidates.Count == 0
            ? $"no DLL in it references {ContractCheck.ContractAssembly}"
            : $"several DLLs reference {ContractCheck.ContractAssembly} ({string.Join(", ", candidates.Select(System.IO.Path.GetFileName))}); name the plugin's {Name}.dll";
        return null;
    }

    private static bool ReferencesContract(string dll)
    {
        try
        {
            return ContractCheck.ReferencedContract(dll) is not null;
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string FingerprintOf(string path)
    {
        try
        {
            var files = Directory.EnumerateFiles(path)
                .Where(file => WatchedExtensions.Contains(System.IO.Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(file => new FileInfo(file))
                .Select(info => $"{info.Name}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
            return string.Join('|', files);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
