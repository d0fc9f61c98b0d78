using System.Data.Common;
using Keel.Core.Common;
using Keel.Storage.Migrations;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// A pooled PostgreSQL data source shared by every store of one process. Unlike SQLite there is no writer
/// lock: PostgreSQL serialises conflicting writers itself, and several Keel replicas may share the database.
/// </summary>
/// <remarks>
/// <para>
/// <b>When the database is away</b> (connection refused or reset, a timeout opening a connection, SQLSTATE class 08,
/// administrator or crash shutdown 57P01/57P02/57P03, too many connections 53300) every call throws
/// <see cref="StoreUnavailableException"/>, which hosts answer with 503 and <c>Retry-After</c>; the connect timeout
/// (<see cref="PostgresSettings.ConnectTimeoutSeconds"/>) bounds how long that takes. Such a failure also clears the
/// pool, whose idle connections died with the server, so the first requests after the database returns get fresh
/// connections instead of failing one by one on stale ones.
/// </para>
/// <para>
/// <b>Retries never duplicate a write.</b> A transaction is run again only when it is certain not to have committed:
/// after a serialization failure or deadlock (the server rolled it back; up to <see cref="PostgresSettings.MaxWriteAttempts"/>),
/// and once after a connection failure before COMMIT was sent (PostgreSQL discards an open transaction with its
/// connection). A connection failure while committing leaves the outcome unknown, so it is never retried here: the
/// caller gets the 503 and decides. Resending is then safe for log-batch, because a metric point is stored once per
/// (run, key, step, timestamp, value), as in MLflow, params accept their own value again and tags are upserts; it is
/// not for creating a model version, which is why the server must not do it on the client's behalf.
/// </para>
/// </remarks>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    // Any fixed key works; it only has to be the same in every replica and unlikely to clash with other tools.
    private const long MigrationLockKey = 0x4B45454C_4D494752; // "KEELMIGR"

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSettings _settings;
    private readonly string _name;

    private PostgresDatabase(NpgsqlDataSource dataSource, PostgresSettings settings, string name)
    {
        _dataSource = dataSource;
        _settings = settings;
        _name = name;
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
        if (!given.Overlaps(["TIMEOUT", "CONNECTTIMEOUT", "CONNECTIONTIMEOUT"]))
        {
            builder.ConnectionStringBuilder.Timeout = settings.ConnectTimeoutSeconds;
        }
        if (!given.Overlaps(["COMMANDTIMEOUT"]))
        {
            builder.ConnectionStringBuilder.CommandTimeout = settings.CommandTimeoutSeconds;
        }
        // Where, not how: the connection string holds the password, Npgsql's messages do not.
        var where = builder.ConnectionStringBuilder;
        var name = $"PostgreSQL {where.Host}:{where.Port}/{where.Database}";
        var database = new PostgresDatabase(builder.Build(), settings, name);
        try
        {
            await database.MigrateAsync(PostgresMigrations.All, ct);
            return database;
        }
        catch (NpgsqlException e)
        {
            await database.DisposeAsync();
            throw new KeelException(ErrorCode.InvalidState, $"Cannot open the PostgreSQL backend store {where.Host}:{where.Port}/{where.Database}: {e.Message}", e);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                return await work(connection);
            }
            catch (NpgsqlException e) when (IsUnavailable(e))
            {
                if (attempt > 1 || !Reconnect(e))
                {
                    throw Unavailable(e, committing: false);
                }
            }
        }
    }

    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        var reconnected = false;
        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var result = await work(connection, transaction);
                committing = true;
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e) && attempt < _settings.MaxWriteAttempts)
            {
                // Jitter so the two losers of a deadlock do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
            catch (NpgsqlException e) when (IsUnavailable(e))
            {
                // Once, and only for a transaction that cannot have committed: see the remarks.
                if (!Reconnect(e) || committing || reconnected)
                {
                    throw Unavailable(e, committing);
                }
                reconnected = true;
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

    /// <summary>The database, not the statement, failed: the same request may succeed once it is back.</summary>
    private static bool IsUnavailable(NpgsqlException e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        // Npgsql's own: refused, reset or closed sockets, and timeouts opening a connection, waiting for a pooled
        // one or running a command.
        _ => e.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
    };

    /// <summary>
    /// Drops the pool's idle connections after a broken one, since they died with the same server; false for a
    /// timeout, which has already spent the caller's budget and says nothing about the pooled connections.
    /// </summary>
    private bool Reconnect(NpgsqlException e)
    {
        if (e.InnerException is TimeoutException)
        {
            return false;
        }
        _dataSource.Clear();
        return true;
    }

    private StoreUnavailableException Unavailable(NpgsqlException e, bool committing) => new(committing
        ? $"The metadata store {_name} was lost while committing; the write may or may not have been applied: {e.Message}"
        : $"The metadata store {_name} is unavailable: {e.Message}", e);

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
