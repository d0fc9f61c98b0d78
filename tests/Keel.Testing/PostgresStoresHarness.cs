using Keel.Storage;
using Npgsql;

namespace Keel.Testing;

/// <summary>
/// The scale-out backend for store contract suites: a fresh database <c>keel_test_&lt;random&gt;</c> on the server named by
/// <c>KEEL_TEST_POSTGRES</c> (artifacts in a temporary folder), opened, reopened (a restart over the same data) and
/// dropped at the end. A missing variable fails the test: PostgreSQL runs are never skipped silently.
/// </summary>
public sealed class PostgresStoresHarness(string prefix) : IAsyncDisposable
{
    public const string ServerVariable = "KEEL_TEST_POSTGRES";

    private readonly string _serverUri = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } uri
        ? uri
        : throw new InvalidOperationException(
            $"{ServerVariable} is not set (e.g. postgresql://postgres@127.0.0.1:55432/postgres): run ./test.sh, which starts PostgreSQL.");

    private readonly string _databaseName = $"keel_test_{Guid.NewGuid():N}";
    private readonly TempDirectory _directory = new(prefix);
    private bool _created;
    private KeelStores? _stores;

    public string DataDirectory => _directory.Path;

    /// <summary>The backend store URI of this harness's own database, as a user would configure it.</summary>
    public string BackendStoreUri => new UriBuilder(_serverUri) { Path = "/" + _databaseName }.Uri.ToString();

    public async Task<KeelStores> OpenAsync()
    {
        if (!_created)
        {
            await AdminAsync($"CREATE DATABASE \"{_databaseName}\"");
            _created = true;
        }
        _stores = await KeelStorage.OpenAsync(new StorageOptions(_directory.Path, BackendStoreUri), TimeProvider.System);
        return _stores;
    }

    public async Task<KeelStores> ReopenAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
            _stores = null;
        }
        return await OpenAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
        if (_created)
        {
            // FORCE: a test that failed midway may still hold pooled connections.
            await AdminAsync($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)");
        }
        _directory.Dispose();
    }

    /// <summary>Runs <paramref name="sql"/> on this harness's database, e.g. to look behind the stores.</summary>
    public Task<object?> QueryDatabaseAsync(string sql) => ScalarAsync(ConnectionString(_databaseName), sql);

    private Task<object?> AdminAsync(string sql) => ScalarAsync(ConnectionString(null), sql);

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    // The test server's URI is always the simple single-host form, which System.Uri reads.
    private string ConnectionString(string? database)
    {
        var uri = new Uri(_serverUri);
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(user[0]),
            Database = database ?? Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Pooling = false,
        };
        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }
        return builder.ConnectionString;
    }
}
