namespace FlowBalance.Host.Tests.Support;

/// <summary>A config file in the temp directory, deleted when disposed.</summary>
public sealed class TempConfigFile : IDisposable
{
    public TempConfigFile(string config)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"flowbalance-test-{Guid.NewGuid():N}.conf");
        File.WriteAllText(Path, config);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
