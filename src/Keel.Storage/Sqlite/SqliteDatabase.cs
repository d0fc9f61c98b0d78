using System.Globalization;
using Keel.Core.Common;
using Keel.Storage.Migrations;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// One SQLite file in WAL mode: a single long-lived writer connection behind a lock (SQLite has one writer
/// anyway; queuing here avoids busy-retry storms), and pooled connections for concurrent readers.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private SqliteDatabase(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
    }

    public static async Task<SqliteDatabase> OpenAsync(string path, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(ct);
        await ExecuteAsync(writer, SqliteSettings.WriterPragmas + " PRAGMA case_sensitive_like=ON;", ct);
        var database = new SqliteDatabase(connectionString, writer);
        try
        {
            await database.MigrateAsync(SqliteMigrations.All, ct);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // LIKE is case-sensitive in MLflow; ILIKE is compiled to lower() LIKE lower().
        await ExecuteAsync(connection, "PRAGMA case_sensitive_like=ON;", ct);
        return await work(connection);
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(ct);
            var result = await work(_writer, transaction);
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work, CancellationToken ct) =>
        WriteAsync<bool>(async (c, t) =>
        {
            await work(c, t);
            return true;
        }, ct);

    private async Task MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        await ExecuteAsync(_writer, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);", ct);
        await using var read = _writer.CreateCommand();
        read.CommandText = "SELECT coalesce(max(version), 0) FROM schema_migrations;";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        var latest = migrations.Count == 0 ? 0 : migrations.Max(m => m.Version);
        if (current > latest)
        {
            throw new KeelException(ErrorCode.InvalidState,
                $"The database schema is at version {current}, newer than this Keel knows ({latest}); upgrade Keel.");
        }
        foreach (var migration in migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            await WriteAsync(async (connection, transaction) =>
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = migration.Sql;
                await command.ExecuteNonQueryAsync(ct);
                command.CommandText = "INSERT INTO schema_migrations (version, name) VALUES ($v, $n);";
                command.Parameters.AddWithValue("$v", migration.Version);
                command.Parameters.AddWithValue("$n", migration.Name);
                await command.ExecuteNonQueryAsync(ct);
            }, ct);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        await _writer.DisposeAsync();
        _writeLock.Dispose();
        using var pooled = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(pooled);
    }
}
