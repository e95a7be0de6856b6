namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A temporary plugins directory for one balancer. Plugins are installed by copying the build output
/// of a sample (<c>plugins/&lt;Name&gt;/</c>) or of a test plugin (<c>tests/Plugins/&lt;Project&gt;/bin/…</c>).
/// </summary>
public sealed class PluginsFolder : IDisposable
{
    private static readonly string[] BuildOutputs = [".dll", ".json", ".pdb"];

    public string Path { get; } = Directory.CreateTempSubdirectory("flowbalance-plugins-").FullName;

    /// <summary>HOCON-safe path for <c>plugins_dir</c>.</summary>
    public string Quoted => $"\"{Path}\"";

    public static string SampleOutput(string name) => System.IO.Path.Combine(HostBinary.RepositoryRoot, "plugins", name);

    public static string TestPluginOutput(string project) =>
        System.IO.Path.Combine(HostBinary.RepositoryRoot, "tests", "Plugins", project, "bin", HostBinary.Configuration, "net10.0");

    /// <summary>Copies the build output in <paramref name="outputDirectory"/> to <c>{Path}/{folder}/</c> (overwriting: a hot replacement).</summary>
    public string Install(string outputDirectory, string folder, Func<string, bool>? include = null)
    {
        var target = System.IO.Path.Combine(Path, folder);
        Directory.CreateDirectory(target);
        var files = Directory.GetFiles(outputDirectory)
            .Where(f => BuildOutputs.Contains(System.IO.Path.GetExtension(f)) && (include?.Invoke(System.IO.Path.GetFileName(f)) ?? true))
            .ToList();
        if (!files.Any(f => f.EndsWith(".dll", StringComparison.Ordinal))) throw new FileNotFoundException($"no plugin build output in {outputDirectory}");
        foreach (var file in files) File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)), overwrite: true);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
