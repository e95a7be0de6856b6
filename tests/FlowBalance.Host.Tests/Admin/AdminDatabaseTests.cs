using System.Diagnostics;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>The admin store against a real SQLite file in a temporary folder.</summary>
public sealed class AdminDatabaseTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(5358979);

    private readonly TempDirectory _temp = new("flowbalance-admin-store-");

    private string StateDir => Path.Combine(_temp.Path, "state");

    private string DbPath => Path.Combine(StateDir, AdminDatabase.FileName);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_creates_a_private_folder_and_file_in_WAL_mode_with_full_sync()
    {
        using var db = AdminDatabase.Open(Path.Combine(StateDir, "nested"));

        Assert.Equal(Path.Combine(StateDir, "nested", "admin.db"), db.Path);
        Assert.Equal(AdminDatabase.CurrentSchemaVersion, db.SchemaVersion);
        Assert.Equal(2, db.SynchronousLevel);
        Assert.Equal("wal", Raw(db.Path, "PRAGMA journal_mode"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(db.Path)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(db.Path));
        }
    }

    [Fact]
    public void Settings_round_trip_and_overwrite()
    {
        using var db = AdminDatabase.Open(StateDir);
        Assert.Null(db.GetSetting("node.id"));
        db.SetSetting("node.id", "a");
        db.SetSetting("node.id", "b");
        db.SetSetting("bootstrap.hash", "h");
        Assert.Equal("b", db.GetSetting("node.id"));
        Assert.True(db.DeleteSetting("node.id"));
        Assert.False(db.DeleteSetting("node.id"));
        Assert.Null(db.GetSetting("node.id"));
        Assert.Equal("h", db.GetSetting("bootstrap.hash"));
    }

    [Fact]
    public void Sessions_round_trip_slide_and_expire()
    {
        using var db = AdminDatabase.Open(StateDir);
        var session = new AdminSession("hash-1", "bootstrap", T0, T0, T0.AddHours(1), "127.0.0.1", "csrf-hash");
        db.CreateSession(session);
        db.CreateSession(session with { IdHash = "hash-2", Address = null, Expires = T0.AddMinutes(1) });
        db.CreateSession(session with { IdHash = "hash-3", Expires = T0.AddMinutes(2) });

        var found = db.FindSession("hash-1");
        Assert.Equal(session, found);
        Assert.Equal(TimeSpan.Zero, found!.Created.Offset);
        Assert.Null(db.FindSession("hash-2")!.Address);
        Assert.Null(db.FindSession("no-such-hash"));

        Assert.True(db.TouchSession("hash-1", T0.AddMinutes(30), T0.AddMinutes(90)));
        Assert.False(db.TouchSession("no-such-hash", T0, T0));
        Assert.Equal(session with { LastSeen = T0.AddMinutes(30), Expires = T0.AddMinutes(90) }, db.FindSession("hash-1"));

        // At its expiry instant a session is gone (expires <= now), whatever offset "now" is written in.
        Assert.Equal(1, db.DeleteExpiredSessions(T0.AddMinutes(1).ToOffset(TimeSpan.FromHours(-5))));
        Assert.Null(db.FindSession("hash-2"));
        Assert.NotNull(db.FindSession("hash-3"));

        Assert.True(db.DeleteSession("hash-3"));
        Assert.False(db.DeleteSession("hash-3"));
        Assert.Equal(1, db.DeleteAllSessions());
        Assert.Null(db.FindSession("hash-1"));
    }

    [Fact]
    public void Times_are_stored_as_UTC_text()
    {
        using (var db = AdminDatabase.Open(StateDir))
        {
            db.CreateSession(new AdminSession("h", "s", T0, T0, T0, null, "c"));
        }
        Assert.Equal("2026-03-14T13:09:26.5358979Z", Raw(DbPath, "SELECT created FROM sessions"));
    }

    [Fact]
    public void Audit_appends_with_growing_ids_and_pages_newest_first()
    {
        using var db = AdminDatabase.Open(StateDir);
        var entries = Enumerable.Range(1, 5)
            .Select(i => new AuditEntry(0, T0.AddSeconds(i), "admin", i % 2 == 0 ? null : "10.0.0.1", $"action-{i}", $"target-{i}",
                i == 1 ? null : "{\"weight\":1}", "{\"weight\":2}", "ok"))
            .ToList();
        var ids = entries.Select(db.AppendAudit).ToList();

        Assert.Equal([1, 2, 3, 4, 5], ids);
        var firstPage = db.ReadAudit(null, 3);
        Assert.Equal([5, 4, 3], firstPage.Select(e => e.Id));
        Assert.Equal(entries[4] with { Id = 5 }, firstPage[0]);
        var secondPage = db.ReadAudit(firstPage[^1].Id, 3);
        Assert.Equal([entries[1] with { Id = 2 }, entries[0] with { Id = 1 }], secondPage);
        Assert.Empty(db.ReadAudit(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.ReadAudit(null, 0));
    }

    [Fact]
    public void Audit_rows_cannot_be_changed_or_deleted()
    {
        using (var db = AdminDatabase.Open(StateDir))
        {
            db.AppendAudit(new AuditEntry(0, T0, "admin", null, "weight.set", null, null, null, "ok"));
        }
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Raw(DbPath, "UPDATE audit SET result = 'forged'")).Message);
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Raw(DbPath, "DELETE FROM audit")).Message);
    }

    [Fact]
    public void Overrides_are_set_replaced_read_and_cleared()
    {
        using var db = AdminDatabase.Open(StateDir);
        db.SetOverride(new BackendOverride("web", "b2", 5, null, T0, "admin"));
        db.SetOverride(new BackendOverride("web", "b1", null, "draining", T0, "admin"));
        db.SetOverride(new BackendOverride("api", "b1", 0, "enabled", T0, "admin"));
        var replaced = new BackendOverride("web", "b2", null, "disabled", T0.AddMinutes(1), "ops");
        db.SetOverride(replaced);

        Assert.Equal(
            [new BackendOverride("api", "b1", 0, "enabled", T0, "admin"), new BackendOverride("web", "b1", null, "draining", T0, "admin"), replaced],
            db.ReadOverrides());
        Assert.True(db.ClearOverride("web", "b2"));
        Assert.False(db.ClearOverride("web", "b2"));
        Assert.Equal(2, db.ReadOverrides().Count);

        Assert.Throws<ArgumentException>(() => db.SetOverride(new BackendOverride("web", "b1", null, "sideways", T0, "admin")));
        Assert.Throws<ArgumentException>(() => db.SetOverride(new BackendOverride("web", "b1", null, null, T0, "admin")));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.SetOverride(new BackendOverride("web", "b1", -1, null, T0, "admin")));
    }

    [Fact]
    public void Revisions_keep_their_text_and_list_newest_first_without_it()
    {
        using var db = AdminDatabase.Open(StateDir);
        var startup = new ConfigRevision(0, T0, "startup", "system", "aa11", "flowbalance { }", null);
        var api = new ConfigRevision(0, T0.AddMinutes(1), "api", "admin", "bb22", "flowbalance { backends = [] }", "1 backend removed");
        var rollback = new ConfigRevision(0, T0.AddMinutes(2), "rollback", "admin", "aa11", "flowbalance { }", "back to 1");
        Assert.Equal(1, db.AppendRevision(startup));
        Assert.Equal(2, db.AppendRevision(api));
        Assert.Equal(3, db.AppendRevision(rollback));

        Assert.Equal(api with { Id = 2 }, db.GetRevision(2));
        Assert.Null(db.GetRevision(4));
        Assert.Equal([rollback with { Id = 3, Text = null }, api with { Id = 2, Text = null }], db.ListRevisions(2));
        Assert.Throws<ArgumentException>(() => db.AppendRevision(startup with { Source = "telepathy" }));
        Assert.Throws<ArgumentException>(() => db.AppendRevision(startup with { Text = null }));
    }

    [Fact]
    public void Reopening_after_dispose_keeps_everything()
    {
        var session = new AdminSession("h", "bootstrap", T0, T0, T0.AddDays(1), null, "c");
        var entry = new AuditEntry(0, T0, "admin", "::1", "backend.drain", "web/b1", null, "draining", "ok");
        var setting = new BackendOverride("web", "b1", 3, "draining", T0, "admin");
        var revision = new ConfigRevision(0, T0, "file", "file-watcher", "cc33", "flowbalance { }", "reloaded");
        using (var db = AdminDatabase.Open(StateDir))
        {
            db.SetSetting("node.id", "n1");
            db.CreateSession(session);
            db.AppendAudit(entry);
            db.SetOverride(setting);
            db.AppendRevision(revision);
        }

        using var reopened = AdminDatabase.Open(StateDir);
        Assert.Equal("n1", reopened.GetSetting("node.id"));
        Assert.Equal(session, reopened.FindSession("h"));
        Assert.Equal([entry with { Id = 1 }], reopened.ReadAudit(null, 10));
        Assert.Equal([setting], reopened.ReadOverrides());
        Assert.Equal(revision with { Id = 1 }, reopened.GetRevision(1));
    }

    [Fact]
    public void Migrations_run_once_each_and_a_later_step_applies_on_the_next_open()
    {
        AdminDatabase.Open(StateDir).Dispose();
        var applied = Raw(DbPath, "SELECT applied FROM schema_version WHERE version = 1");
        AdminDatabase.Open(StateDir).Dispose();
        Assert.Equal(applied, Raw(DbPath, "SELECT applied FROM schema_version WHERE version = 1"));
        Assert.Equal((long)AdminDatabase.CurrentSchemaVersion, Raw(DbPath, "SELECT COUNT(*) FROM schema_version"));

        // A second step that would fail if it ran twice (the table would already exist).
        string[] withStep2 = [.. AdminMigrations.Steps, "CREATE TABLE added_by_step_2 (x INTEGER)"];
        using (var db = AdminDatabase.Open(StateDir, withStep2))
        {
            Assert.Equal(AdminDatabase.CurrentSchemaVersion + 1, db.SchemaVersion);
        }
        using var again = AdminDatabase.Open(StateDir, withStep2);
        Assert.Equal(AdminDatabase.CurrentSchemaVersion + 1, again.SchemaVersion);
    }

    [Fact]
    public void A_newer_schema_is_refused_with_one_line_naming_the_file()
    {
        AdminDatabase.Open(StateDir, [.. AdminMigrations.Steps, "CREATE TABLE from_the_future (x INTEGER)"]).Dispose();

        var error = Assert.Throws<AdminStoreException>(() => AdminDatabase.Open(StateDir));

        var newer = AdminDatabase.CurrentSchemaVersion + 1;
        Assert.Equal($"admin database {DbPath}: schema version {newer} is newer than this build knows ({AdminDatabase.CurrentSchemaVersion}); run a newer FlowBalance, or restore a backup made by this one", error.Message);
        Assert.Equal(DbPath, error.Path);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused()
    {
        Directory.CreateDirectory(StateDir);
        File.WriteAllText(DbPath, string.Concat(Enumerable.Repeat("flowbalance { backends = [] }\n", 200)));

        var error = Assert.Throws<AdminStoreException>(() => AdminDatabase.Open(StateDir));

        AssertOneLineNaming(error, "not a SQLite database");
    }

    [Fact]
    public async Task An_unreadable_file_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;
        AdminDatabase.Open(StateDir).Dispose();
        File.SetUnixFileMode(DbPath, UnixFileMode.None);
        var expected = $"admin database {DbPath}: cannot be opened: permission denied (check the file's owner and permissions)";
        if (Environment.UserName != "root")
        {
            Assert.Equal(expected, Assert.Throws<AdminStoreException>(() => AdminDatabase.Open(StateDir)).Message);
            return;
        }

        // Root reads any file, so root watches a child running as nobody (uid 65534) be refused; the
        // folders on the way let it through, only the file is closed to it.
        var through = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(_temp.Path, through);
        File.SetUnixFileMode(StateDir, through);
        using var child = StoreChild.Start(StoreChild.Opener, StateDir, asUser: 65534);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"exit {child.ExitCode}: {await stdout}{await stderr}");
        Assert.Equal(2, child.ExitCode);
        Assert.Equal(expected, (await stdout).TrimEnd('\n'));
    }

    [Fact]
    public void A_database_locked_by_another_connection_is_refused_within_the_busy_timeout()
    {
        AdminDatabase.Open(StateDir).Dispose();
        using var other = RawConnection(DbPath);
        Execute(other, "BEGIN EXCLUSIVE");
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<AdminStoreException>(() => AdminDatabase.Open(StateDir));

        output.WriteLine($"refused after {clock.Elapsed.TotalSeconds:0.00} s: {error.Message}");
        Assert.InRange(clock.Elapsed, AdminDatabase.BusyTimeout * 0.75, AdminDatabase.BusyTimeout * 3);
        AssertOneLineNaming(error, "locked by another process");
        Execute(other, "ROLLBACK");
        AdminDatabase.Open(StateDir).Dispose();
    }

    [Fact]
    public async Task Concurrent_calls_from_many_threads_all_land()
    {
        using var db = AdminDatabase.Open(StateDir);
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                db.AppendAudit(new AuditEntry(0, DateTimeOffset.UtcNow, $"writer-{w}", null, "a", null, null, null, "ok"));
                db.SetSetting($"writer-{w}", i.ToString());
                _ = db.ReadAudit(null, 5);
            }
        }));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        var all = db.ReadAudit(null, 1000);
        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Select(e => e.Id).Distinct().Count());
        Assert.All(Enumerable.Range(0, 8), w => Assert.Equal("49", db.GetSetting($"writer-{w}")));
    }

    [Fact]
    public async Task A_kill_9_while_appending_loses_no_acknowledged_audit_entry()
    {
        using var child = StoreChild.Start(StoreChild.AuditWriter, StateDir);
        var acknowledged = new List<long>();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (acknowledged.Count < 300 && await child.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                acknowledged.Add(long.Parse(line));
            }
        }
        child.Kill(); // SIGKILL on Unix: no finally blocks, no flushes, no checkpoint
        // Ids printed before the kill but not yet read by us were acknowledged too.
        while (await child.StandardOutput.ReadLineAsync() is { } late) acknowledged.Add(long.Parse(late));
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"child exit {child.ExitCode} after {acknowledged.Count} acknowledged appends; stderr: {await child.StandardError.ReadToEndAsync()}");
        Assert.True(acknowledged.Count >= 300, $"the child acknowledged only {acknowledged.Count} writes");
        Assert.True(File.Exists(DbPath + "-wal"), "the kill left no WAL behind, so nothing was recovered from it");

        using var db = AdminDatabase.Open(StateDir);
        var stored = db.ReadAudit(null, int.MaxValue).ToDictionary(e => e.Id);
        Assert.All(acknowledged, id => Assert.Equal(StoreChild.ActionOf(id), stored[id].Action));
        Assert.InRange(stored.Count, acknowledged.Count, acknowledged.Count + 1); // at most the one in flight more
    }

    private void AssertOneLineNaming(AdminStoreException error, string problem)
    {
        Assert.StartsWith($"admin database {DbPath}: ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static SqliteConnection RawConnection(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Raw(string path, string sql)
    {
        using var connection = RawConnection(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
