namespace FlowBalance.Host.Tests.Support;

/// <summary>Where the built FlowBalance.Host.dll and the repository's files are, seen from the test assembly.</summary>
public static class HostBinary
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration these tests were built in (.../bin/{Configuration}/net10.0/).</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The host built in the same configuration as these tests (dotnet test builds it as a dependency).</summary>
    public static string DllPath
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "src", "Host", "bin", Configuration, "net10.0", "FlowBalance.Host.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"FlowBalance.Host.dll was not built at {path}");
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowBalance.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("FlowBalance.sln not found above " + AppContext.BaseDirectory);
    }
}
