using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>Terse command building: the SQL and its values side by side.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", values[i] ?? DBNull.Value);
        }
        return command;
    }

    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqlParameters parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters.Values)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    public static async Task<int> ExecAsync(this SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = connection.Command(sql, transaction, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = connection.Command(sql, transaction, values);
        var result = await command.ExecuteScalarAsync(ct);
        return result is DBNull ? null : result;
    }

    public static string? NullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
