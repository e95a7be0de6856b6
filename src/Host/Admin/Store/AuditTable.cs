using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>The append-only audit trail, read newest first in pages by id.</summary>
internal static class AuditTable
{
    public static long Append(SqliteConnection db, AuditEntry e) =>
        (long)Sql.Scalar(db, """
            INSERT INTO audit (time, actor, address, action, target, before, after, result)
            VALUES ($time, $actor, $address, $action, $target, $before, $after, $result)
            RETURNING id
            """,
            ("$time", StoredTime.Write(e.Time)), ("$actor", e.Actor), ("$address", e.Address), ("$action", e.Action),
            ("$target", e.Target), ("$before", e.Before), ("$after", e.After), ("$result", e.Result))!;

    /// <summary>Up to <paramref name="limit"/> entries older than <paramref name="beforeId"/> (all when null), newest first.</summary>
    public static List<AuditEntry> Read(SqliteConnection db, long? beforeId, int limit)
    {
        // One range on the rowid, no "IS NULL OR": the planner walks the primary key backwards from beforeId.
        using var command = Sql.Command(db, """
            SELECT id, time, actor, address, action, target, before, after, result
            FROM audit WHERE id < $before ORDER BY id DESC LIMIT $limit
            """, ("$before", beforeId ?? long.MaxValue), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(new AuditEntry(reader.GetInt64(0), StoredTime.Read(reader.GetString(1)), reader.GetString(2),
                reader.TextOrNull(3), reader.GetString(4), reader.TextOrNull(5), reader.TextOrNull(6), reader.TextOrNull(7),
                reader.GetString(8)));
        }
        return entries;
    }
}
