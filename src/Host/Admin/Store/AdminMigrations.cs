using System.Collections.Immutable;
using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// The schema as a list of steps: step n takes a database from version n-1 to n. Append a step to
/// change the schema; never edit one that has shipped, since databases in the field already ran it.
/// </summary>
internal static class AdminMigrations
{
    public static ImmutableArray<string> Steps { get; } = [Version1, Version2, Version3];

    // Audit rows are append-only (the triggers refuse UPDATE and DELETE); a later step may relax that
    // for retention. Sessions are swept by expiry, hence the index. Every other lookup is a primary key.
    private const string Version1 = """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE sessions (
            id_hash         TEXT PRIMARY KEY NOT NULL,
            subject         TEXT NOT NULL,
            created         TEXT NOT NULL,
            last_seen       TEXT NOT NULL,
            expires         TEXT NOT NULL,
            address         TEXT,
            csrf_token_hash TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_expiry ON sessions (expires);

        CREATE TABLE audit (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            time    TEXT NOT NULL,
            actor   TEXT NOT NULL,
            address TEXT,
            action  TEXT NOT NULL,
            target  TEXT,
            before  TEXT,
            after   TEXT,
            result  TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

        CREATE TABLE overrides (
            service    TEXT NOT NULL,
            backend_id TEXT NOT NULL,
            weight     INTEGER,
            state      TEXT,
            set_at     TEXT NOT NULL,
            set_by     TEXT NOT NULL,
            PRIMARY KEY (service, backend_id)
        ) WITHOUT ROWID;

        CREATE TABLE revisions (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            time    TEXT NOT NULL,
            source  TEXT NOT NULL,
            actor   TEXT NOT NULL,
            sha256  TEXT NOT NULL,
            text    TEXT NOT NULL,
            summary TEXT
        );
        """;

    // API keys (the security issue): by id, and by the SHA-256 of the key for authentication.
    private const string Version2 = """
        CREATE TABLE api_keys (
            id           TEXT PRIMARY KEY NOT NULL,
            name         TEXT NOT NULL,
            role         TEXT NOT NULL,
            key_hash     TEXT NOT NULL UNIQUE,
            created      TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            expires      TEXT,
            last_used    TEXT,
            last_address TEXT,
            revoked      TEXT
        ) WITHOUT ROWID;
        """;

    // Logins with GitHub, Google or OpenID Connect: what the provider said about the user (JSON), so each
    // request can judge the session against the roles and allow-lists running now (null: a token login).
    private const string Version3 = """
        ALTER TABLE sessions ADD COLUMN identity TEXT;
        """;

    /// <summary>
    /// Brings the database up to <c>steps.Count</c> in one write transaction and returns its version.
    /// BEGIN IMMEDIATE takes the write lock up front, so a database another process holds locked fails
    /// here, at startup, after the busy timeout, rather than on the first admin write.
    /// </summary>
    public static int Apply(SqliteConnection db, IReadOnlyList<string> steps, string path)
    {
        Sql.Execute(db, "BEGIN IMMEDIATE");
        try
        {
            Sql.Execute(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)");
            var current = Convert.ToInt32(Sql.Scalar(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
            if (current > steps.Count)
            {
                throw new AdminStoreException(path, $"schema version {current} is newer than this build knows ({steps.Count}); run a newer FlowBalance, or restore a backup made by this one");
            }
            for (var version = current + 1; version <= steps.Count; version++)
            {
                Sql.Execute(db, steps[version - 1]);
                Sql.Execute(db, "INSERT INTO schema_version (version, applied) VALUES ($version, $applied)",
                    ("$version", version), ("$applied", StoredTime.Write(DateTimeOffset.UtcNow)));
            }
            Sql.Execute(db, "COMMIT");
            return steps.Count;
        }
        catch
        {
            RollBack(db);
            throw;
        }
    }

    private static void RollBack(SqliteConnection db)
    {
        // SQLite may have rolled back already (some errors end the transaction); then there is nothing to undo.
        try { Sql.Execute(db, "ROLLBACK"); } catch (SqliteException) { }
    }
}
