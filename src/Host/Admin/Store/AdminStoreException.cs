namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// The admin database cannot be used. The message is one line for the operator, naming the file and
/// what is wrong with it; at startup the host prints it and exits 2.
/// </summary>
public sealed class AdminStoreException : Exception
{
    public AdminStoreException(string path, string problem, Exception? inner = null)
        : base($"admin database {path}: {problem}", inner)
    {
        Path = path;
    }

    public string Path { get; }
}
