using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>API keys, found by the hash of the key (unique) or by id.</summary>
internal static class ApiKeysTable
{
    private const string Columns = "id, name, role, key_hash, created, created_by, expires, last_used, last_address, revoked";

    public static void Create(SqliteConnection db, ApiKeyRecord k) =>
        Sql.Execute(db, $"INSERT INTO api_keys ({Columns}) VALUES ($id, $name, $role, $hash, $created, $by, $expires, NULL, NULL, NULL)",
            ("$id", k.Id), ("$name", k.Name), ("$role", k.Role), ("$hash", k.KeyHash), ("$created", StoredTime.Write(k.Created)),
            ("$by", k.CreatedBy), ("$expires", k.Expires is { } e ? StoredTime.Write(e) : null));

    public static ApiKeyRecord? FindByHash(SqliteConnection db, string hash) => ReadOne(db, "key_hash = $v", hash);

    public static ApiKeyRecord? Find(SqliteConnection db, string id) => ReadOne(db, "id = $v", id);

    public static List<ApiKeyRecord> List(SqliteConnection db)
    {
        using var command = Sql.Command(db, $"SELECT {Columns} FROM api_keys ORDER BY created DESC");
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKeyRecord>();
        while (reader.Read()) keys.Add(Read(reader));
        return keys;
    }

    public static bool Revoke(SqliteConnection db, string id, DateTimeOffset at) =>
        Sql.Execute(db, "UPDATE api_keys SET revoked = $at WHERE id = $id AND revoked IS NULL", ("$id", id), ("$at", StoredTime.Write(at))) > 0;

    public static void Touch(SqliteConnection db, string id, DateTimeOffset at, string? address) =>
        Sql.Execute(db, "UPDATE api_keys SET last_used = $at, last_address = $address WHERE id = $id",
            ("$id", id), ("$at", StoredTime.Write(at)), ("$address", address));

    private static ApiKeyRecord? ReadOne(SqliteConnection db, string where, string value)
    {
        using var command = Sql.Command(db, $"SELECT {Columns} FROM api_keys WHERE {where}", ("$v", value));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static ApiKeyRecord Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StoredTime.Read(r.GetString(4)), r.GetString(5),
            Time(r, 6), Time(r, 7), r.TextOrNull(8), Time(r, 9));

    private static DateTimeOffset? Time(SqliteDataReader r, int column) => r.TextOrNull(column) is { } text ? StoredTime.Read(text) : null;
}
