using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>Cookie sessions, keyed by the hash of their id. Finding one does not judge its expiry: the caller does.</summary>
internal static class SessionsTable
{
    public static void Create(SqliteConnection db, AdminSession s) =>
        Sql.Execute(db, """
            INSERT INTO sessions (id_hash, subject, created, last_seen, expires, address, csrf_token_hash, identity)
            VALUES ($id, $subject, $created, $lastSeen, $expires, $address, $csrf, $identity)
            """,
            ("$id", s.IdHash), ("$subject", s.Subject), ("$created", StoredTime.Write(s.Created)),
            ("$lastSeen", StoredTime.Write(s.LastSeen)), ("$expires", StoredTime.Write(s.Expires)),
            ("$address", s.Address), ("$csrf", s.CsrfTokenHash), ("$identity", s.Identity));

    public static AdminSession? Find(SqliteConnection db, string idHash)
    {
        using var command = Sql.Command(db, """
            SELECT id_hash, subject, created, last_seen, expires, address, csrf_token_hash, identity
            FROM sessions WHERE id_hash = $id
            """, ("$id", idHash));
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return new AdminSession(reader.GetString(0), reader.GetString(1), StoredTime.Read(reader.GetString(2)),
            StoredTime.Read(reader.GetString(3)), StoredTime.Read(reader.GetString(4)), reader.TextOrNull(5), reader.GetString(6), reader.TextOrNull(7));
    }

    public static bool Touch(SqliteConnection db, string idHash, DateTimeOffset lastSeen, DateTimeOffset expires) =>
        Sql.Execute(db, "UPDATE sessions SET last_seen = $lastSeen, expires = $expires WHERE id_hash = $id",
            ("$id", idHash), ("$lastSeen", StoredTime.Write(lastSeen)), ("$expires", StoredTime.Write(expires))) > 0;

    public static bool Delete(SqliteConnection db, string idHash) =>
        Sql.Execute(db, "DELETE FROM sessions WHERE id_hash = $id", ("$id", idHash)) > 0;

    public static int DeleteAll(SqliteConnection db) => Sql.Execute(db, "DELETE FROM sessions");

    public static int DeleteExpired(SqliteConnection db, DateTimeOffset now) =>
        Sql.Execute(db, "DELETE FROM sessions WHERE expires <= $now", ("$now", StoredTime.Write(now)));
}
