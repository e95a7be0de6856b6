namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// Creates the state folder (0700) and an empty database file (0600) when missing: the file holds session
/// and token hashes, so only the host's user may read it. SQLite gives its -wal and -shm files the
/// database file's mode, and treats an empty file as a new database.
/// </summary>
internal static class StateFiles
{
    public static void Prepare(string databasePath)
    {
        var folder = System.IO.Path.GetDirectoryName(databasePath)!;
        try
        {
            if (!Directory.Exists(folder))
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
                else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            if (!File.Exists(databasePath))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var created = new FileStream(databasePath, options);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdminStoreException(databasePath, $"cannot create it or its folder: {e.Message}", e);
        }
    }
}
