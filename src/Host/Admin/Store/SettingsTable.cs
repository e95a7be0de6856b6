using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>The small key/value settings: the bootstrap token's hash, the node's own id.</summary>
internal static class SettingsTable
{
    public static string? Get(SqliteConnection db, string key) =>
        (string?)Sql.Scalar(db, "SELECT value FROM settings WHERE key = $key", ("$key", key));

    public static void Set(SqliteConnection db, string key, string value) =>
        Sql.Execute(db, "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            ("$key", key), ("$value", value));

    public static bool Delete(SqliteConnection db, string key) =>
        Sql.Execute(db, "DELETE FROM settings WHERE key = $key", ("$key", key)) > 0;
}
