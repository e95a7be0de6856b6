using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>Turns SQLite's error codes into one line an operator can act on.</summary>
internal static class AdminStoreErrors
{
    // Result codes from sqlite3.h (the primary code: the low byte of an extended one).
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    public static AdminStoreException From(string path, SqliteException e, TimeSpan busyTimeout) => (e.SqliteErrorCode & 0xff) switch
    {
        Busy or Locked => new(path, $"locked by another process (still busy after {busyTimeout.TotalSeconds:0.#} s); is another FlowBalance, or a sqlite3 shell, using it?", e),
        NotADatabase => new(path, "not a SQLite database; move it aside or point admin.state_dir at another folder", e),
        Corrupt => new(path, "corrupt (database disk image is malformed); restore a backup or move it aside", e),
        ReadOnly => new(path, "read-only; FlowBalance must write it (check the file's and its folder's owner and permissions)", e),
        CantOpen => new(path, CannotOpen(path), e),
        Full => new(path, "the disk is full", e),
        IoError => new(path, $"I/O error ({e.Message})", e),
        _ => new(path, e.Message, e),
    };

    // SQLite says only "unable to open database file"; asking the file system names the reason.
    private static string CannotOpen(string path)
    {
        try
        {
            using var probe = File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            return "cannot be opened (can its folder be written, for the -wal and -shm files beside it?)";
        }
        catch (UnauthorizedAccessException)
        {
            return "cannot be opened: permission denied (check the file's owner and permissions)";
        }
        catch (IOException probeError)
        {
            return $"cannot be opened: {probeError.Message}";
        }
    }
}
