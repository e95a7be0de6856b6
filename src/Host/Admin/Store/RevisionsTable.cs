using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>Config revisions: the full text by id, listings without it.</summary>
internal static class RevisionsTable
{
    public static long Append(SqliteConnection db, ConfigRevision r) =>
        (long)Sql.Scalar(db, """
            INSERT INTO revisions (time, source, actor, sha256, text, summary)
            VALUES ($time, $source, $actor, $sha256, $text, $summary)
            RETURNING id
            """,
            ("$time", StoredTime.Write(r.Time)), ("$source", r.Source), ("$actor", r.Actor), ("$sha256", r.Sha256),
            ("$text", r.Text), ("$summary", r.Summary))!;

    public static ConfigRevision? Get(SqliteConnection db, long id)
    {
        using var command = Sql.Command(db, "SELECT id, time, source, actor, sha256, text, summary FROM revisions WHERE id = $id", ("$id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRow(reader, reader.GetString(5)) : null;
    }

    public static List<ConfigRevision> List(SqliteConnection db, int limit)
    {
        using var command = Sql.Command(db, "SELECT id, time, source, actor, sha256, NULL, summary FROM revisions ORDER BY id DESC LIMIT $limit", ("$limit", limit));
        using var reader = command.ExecuteReader();
        var revisions = new List<ConfigRevision>();
        while (reader.Read()) revisions.Add(ReadRow(reader, text: null));
        return revisions;
    }

    private static ConfigRevision ReadRow(SqliteDataReader reader, string? text) =>
        new(reader.GetInt64(0), StoredTime.Read(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), text, reader.TextOrNull(6));
}
