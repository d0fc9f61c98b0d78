using System.Data.Common;
using Keel.Core.Common;
using Keel.Storage.Migrations;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// A pooled PostgreSQL data source shared by every store of one process. Unlike SQLite there is no writer
/// lock: PostgreSQL serialises conflicting writers itself, and several Keel replicas may share the database.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    // Any fixed key works; it only has to be the same in every replica and unlikely to clash with other tools.
    private const long MigrationLockKey = 0x4B45454C_4D494752; // "KEELMIGR"

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSettings _settings;

    private PostgresDatabase(NpgsqlDataSource dataSource, PostgresSettings settings)
    {
        _dataSource = dataSource;
        _settings = settings;
    }

    public static async Task<PostgresDatabase> OpenAsync(string connectionString, PostgresSettings settings, CancellationToken ct)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The settings are defaults: a pool size or timeout the URI's query string gives explicitly wins.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        if (!given.Overlaps(["MAXPOOLSIZE", "MAXIMUMPOOLSIZE"]))
        {
            builder.ConnectionStringBuilder.MaxPoolSize = settings.MaxPoolSize;
        }
        if (!given.Overlaps(["COMMANDTIMEOUT"]))
        {
            builder.ConnectionStringBuilder.CommandTimeout = settings.CommandTimeoutSeconds;
        }
        var database = new PostgresDatabase(builder.Build(), settings);
        try
        {
            await database.MigrateAsync(PostgresMigrations.All, ct);
            return database;
        }
        catch (NpgsqlException e)
        {
            await database.DisposeAsync();
            // Where, not how: the connection string holds the password, Npgsql's message does not.
            var where = builder.ConnectionStringBuilder;
            throw new KeelException(ErrorCode.InvalidState,
                $"Cannot open the PostgreSQL backend store {where.Host}:{where.Port}/{where.Database}: {e.Message}", e);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return await work(connection);
    }

    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e) && attempt < _settings.MaxWriteAttempts)
            {
                // Jitter so the two losers of a deadlock do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    public Task WriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken ct) =>
        WriteAsync<bool>(async (c, t) =>
        {
            await work(c, t);
            return true;
        }, ct);

    private static bool IsRetryable(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    private async Task MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        // A session lock, held across the per-migration transactions: a second replica waits here and then
        // finds nothing left to apply.
        await connection.ExecAsync(null, "SELECT pg_advisory_lock($1);", ct, MigrationLockKey);
        try
        {
            await connection.ExecAsync(null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);", ct);
            var current = (int)(await connection.ScalarAsync(null, "SELECT coalesce(max(version), 0) FROM schema_migrations;", ct) ?? 0);
            var latest = migrations.Count == 0 ? 0 : migrations.Max(m => m.Version);
            if (current > latest)
            {
                throw new KeelException(ErrorCode.InvalidState,
                    $"The database schema is at version {current}, newer than this Keel knows ({latest}); upgrade Keel.");
            }
            foreach (var migration in migrations.Where(m => m.Version > current).OrderBy(m => m.Version))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await connection.ExecAsync(transaction, migration.Sql, ct);
                await connection.ExecAsync(transaction, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2);", ct,
                    migration.Version, migration.Name);
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await connection.ExecAsync(null, "SELECT pg_advisory_unlock($1);", CancellationToken.None, MigrationLockKey);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
