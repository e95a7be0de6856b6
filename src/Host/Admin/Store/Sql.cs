using Microsoft.Data.Sqlite;

namespace FlowBalance.Host.Admin.Store;

/// <summary>Parameterized commands in one line each; a null value is stored as SQL NULL.</summary>
internal static class Sql
{
    public static SqliteCommand Command(SqliteConnection db, string text, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = db.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static int Execute(SqliteConnection db, string text, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(db, text, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection db, string text, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(db, text, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static string? TextOrNull(this SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
