using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>Backend overrides, one row per (service, backend); setting one again replaces it whole.</summary>
internal static class OverridesTable
{
    public static void Set(SqliteConnection db, BackendOverride o) =>
        Sql.Execute(db, """
            INSERT INTO overrides (service, backend_id, weight, state, set_at, set_by)
            VALUES ($service, $backend, $weight, $state, $set, $setBy)
            ON CONFLICT (service, backend_id) DO UPDATE SET
                weight = excluded.weight, state = excluded.state, set_at = excluded.set_at, set_by = excluded.set_by
            """,
            ("$service", o.Service), ("$backend", o.BackendId), ("$weight", o.Weight), ("$state", o.State),
            ("$set", StoredTime.Write(o.Set)), ("$setBy", o.SetBy));

    public static bool Clear(SqliteConnection db, string service, string backendId) =>
        Sql.Execute(db, "DELETE FROM overrides WHERE service = $service AND backend_id = $backend",
            ("$service", service), ("$backend", backendId)) > 0;

    public static List<BackendOverride> ReadAll(SqliteConnection db)
    {
        using var command = Sql.Command(db, "SELECT service, backend_id, weight, state, set_at, set_by FROM overrides ORDER BY service, backend_id");
        using var reader = command.ExecuteReader();
        var overrides = new List<BackendOverride>();
        while (reader.Read())
        {
            overrides.Add(new BackendOverride(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.TextOrNull(3), StoredTime.Read(reader.GetString(4)), reader.GetString(5)));
        }
        return overrides;
    }
}
