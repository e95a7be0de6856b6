using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// The admin plane's persistent state in one SQLite file (<c>admin.db</c> in the state folder): settings,
/// sessions, audit, backend overrides and config revisions.
/// </summary>
/// <remarks>
/// Threading: one connection, every call under one lock. Admin calls are few and each takes well under a
/// millisecond, so serialising them costs nothing that matters, and in exchange the per-connection
/// settings (busy timeout, synchronous=FULL) are set once, this process never contends with itself for
/// SQLite's write lock, and <see cref="Dispose"/> really closes the file (no pool keeps it open).
/// Durability: WAL with synchronous=FULL, so a call that returned has been fsynced and survives a
/// kill -9 or a power cut. Failures after <see cref="Open"/> are <see cref="AdminStoreException"/>s too.
/// </remarks>
public sealed class AdminDatabase : IDisposable
{
    public const string FileName = "admin.db";

    /// <summary>How long a call waits for another process's lock before failing: long enough for a
    /// checkpoint or a backup's read, short enough that a stuck startup says so at once.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private SqliteConnection? _connection;

    private AdminDatabase(string path, SqliteConnection connection, int schemaVersion)
    {
        Path = path;
        _connection = connection;
        SchemaVersion = schemaVersion;
    }

    public string Path { get; }

    public int SchemaVersion { get; }

    /// <summary>The schema version this build creates and understands.</summary>
    public static int CurrentSchemaVersion => AdminMigrations.Steps.Length;

    /// <summary>Opens (creating when missing) <c>admin.db</c> in <paramref name="stateDirectory"/> and migrates it.</summary>
    /// <exception cref="AdminStoreException">The folder or file cannot be used: locked, unreadable, not a database, or newer than this build.</exception>
    public static AdminDatabase Open(string stateDirectory) => Open(stateDirectory, AdminMigrations.Steps);

    internal static AdminDatabase Open(string stateDirectory, IReadOnlyList<string> migrations)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(stateDirectory), FileName);
        StateFiles.Prepare(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            connection.Open();
            Sql.Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
            if (Sql.Scalar(connection, "PRAGMA journal_mode = WAL") is not "wal")
            {
                throw new AdminStoreException(path, "cannot use write-ahead logging (WAL); is the folder on a network file system?");
            }
            Sql.Execute(connection, "PRAGMA synchronous = FULL");
            var version = AdminMigrations.Apply(connection, migrations, path);
            return new AdminDatabase(path, connection, version);
        }
        catch (Exception e)
        {
            connection.Dispose();
            if (e is SqliteException sqlite) throw AdminStoreErrors.From(path, sqlite, BusyTimeout);
            throw;
        }
    }

    public string? GetSetting(string key) => Run(db => SettingsTable.Get(db, key));

    public void SetSetting(string key, string value) => Run(db => SettingsTable.Set(db, key, value));

    public bool DeleteSetting(string key) => Run(db => SettingsTable.Delete(db, key));

    public void CreateSession(AdminSession session) => Run(db => SessionsTable.Create(db, session));

    /// <summary>The session with this id hash, expired or not (the caller judges expiry), or null.</summary>
    public AdminSession? FindSession(string idHash) => Run(db => SessionsTable.Find(db, idHash));

    /// <summary>Slides a session's expiry; false when there is no such session.</summary>
    public bool TouchSession(string idHash, DateTimeOffset lastSeen, DateTimeOffset expires) =>
        Run(db => SessionsTable.Touch(db, idHash, lastSeen, expires));

    public bool DeleteSession(string idHash) => Run(db => SessionsTable.Delete(db, idHash));

    public int DeleteAllSessions() => Run(SessionsTable.DeleteAll);

    /// <summary>Deletes the sessions whose expiry is at or before <paramref name="now"/>; returns how many.</summary>
    public int DeleteExpiredSessions(DateTimeOffset now) => Run(db => SessionsTable.DeleteExpired(db, now));

    public void CreateApiKey(ApiKeyRecord key) => Run(db => ApiKeysTable.Create(db, key));

    public ApiKeyRecord? FindApiKeyByHash(string hash) => Run(db => ApiKeysTable.FindByHash(db, hash));

    public ApiKeyRecord? FindApiKey(string id) => Run(db => ApiKeysTable.Find(db, id));

    public IReadOnlyList<ApiKeyRecord> ListApiKeys() => Run(ApiKeysTable.List);

    /// <summary>False when there is no such key or it was already revoked.</summary>
    public bool RevokeApiKey(string id, DateTimeOffset at) => Run(db => ApiKeysTable.Revoke(db, id, at));

    public void TouchApiKey(string id, DateTimeOffset at, string? address) => Run(db => ApiKeysTable.Touch(db, id, at, address));

    /// <summary>Appends an entry (its <see cref="AuditEntry.Id"/> is ignored) and returns the id it was given.</summary>
    public long AppendAudit(AuditEntry entry) => Run(db => AuditTable.Append(db, entry));

    /// <summary>Up to <paramref name="limit"/> entries, newest first, older than <paramref name="beforeId"/> when given (the next page).</summary>
    public IReadOnlyList<AuditEntry> ReadAudit(long? beforeId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Run(db => AuditTable.Read(db, beforeId, limit));
    }

    public void SetOverride(BackendOverride value)
    {
        StoreArguments.Check(value);
        Run(db => OverridesTable.Set(db, value));
    }

    /// <summary>Removes the override of one backend; false when it had none.</summary>
    public bool ClearOverride(string service, string backendId) => Run(db => OverridesTable.Clear(db, service, backendId));

    /// <summary>Every override, ordered by service then backend id.</summary>
    public IReadOnlyList<BackendOverride> ReadOverrides() => Run(OverridesTable.ReadAll);

    /// <summary>Appends a revision (its <see cref="ConfigRevision.Id"/> is ignored; its text is required) and returns its id.</summary>
    public long AppendRevision(ConfigRevision revision)
    {
        StoreArguments.Check(revision);
        return Run(db => RevisionsTable.Append(db, revision));
    }

    /// <summary>The revision with its full text, or null.</summary>
    public ConfigRevision? GetRevision(long id) => Run(db => RevisionsTable.Get(db, id));

    /// <summary>The newest <paramref name="limit"/> revisions, newest first, with <see cref="ConfigRevision.Text"/> null.</summary>
    public IReadOnlyList<ConfigRevision> ListRevisions(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return Run(db => RevisionsTable.List(db, limit));
    }

    /// <summary>The connection's <c>PRAGMA synchronous</c> level (2 is FULL), for the durability test.</summary>
    internal long SynchronousLevel => Run(db => (long)Sql.Scalar(db, "PRAGMA synchronous")!);

    public void Dispose()
    {
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private T Run<T>(Func<SqliteConnection, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_connection is null, this);
            try
            {
                return work(_connection);
            }
            catch (SqliteException e)
            {
                throw AdminStoreErrors.From(Path, e, BusyTimeout);
            }
        }
    }

    private void Run(Action<SqliteConnection> work) => Run(db => { work(db); return true; });
}
