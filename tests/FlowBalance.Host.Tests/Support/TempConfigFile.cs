namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// A config file in a temp folder of its own (so what the balancer keeps next to it, such as its
/// <c>state</c> folder, is the test's alone), deleted with the folder when disposed.
/// </summary>
public sealed class TempConfigFile : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("flowbalance-test-").FullName;

    public TempConfigFile(string config)
    {
        Path = System.IO.Path.Combine(_folder, "hocon.conf");
        File.WriteAllText(Path, config);
    }

    public string Path { get; }

    /// <summary>The folder the file is in.</summary>
    public string Folder => _folder;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
