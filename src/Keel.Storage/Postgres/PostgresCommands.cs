using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>Terse command building: the SQL and its values side by side, as positional <c>$1, $2…</c> parameters.</summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }

    /// <summary>A generated statement (search), whose builders name their values <c>@pN</c>.</summary>
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, SqlParameters parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters.Values)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }

    public static async Task<int> ExecAsync(this NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = connection.Command(sql, transaction, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = connection.Command(sql, transaction, values);
        var result = await command.ExecuteScalarAsync(ct);
        return result is DBNull ? null : result;
    }

    public static string? NullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
