using Keel.Core.Tracking;
using Keel.Testing;

namespace Keel.Storage.Tests.Tracking;

/// <summary>The tracking store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteTrackingStoreTests : TrackingStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite");

    private string DataDirectory => _backend.DataDirectory;

    protected override async Task<ITrackingStore> OpenFreshAsync() => (await _backend.OpenAsync()).Tracking;

    protected override async Task<ITrackingStore> ReopenAsync() => (await _backend.ReopenAsync()).Tracking;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();

    [Fact]
    public async Task Open_SqliteUri_UsesThatFile()
    {
        var path = Path.Combine(DataDirectory, "other", "custom.db");

        await using var stores = await KeelStorage.OpenAsync(new StorageOptions(DataDirectory, $"sqlite:///{path}"), TimeProvider.System);

        Assert.True(File.Exists(path));
        Assert.NotNull(await stores.Tracking.GetExperimentAsync("0"));
    }

    [Fact]
    public async Task Open_DatabaseFromNewerKeel_IsRefusedAndLeftUntouched()
    {
        await using (var stores = await KeelStorage.OpenAsync(new StorageOptions(DataDirectory, "sqlite:///" + Path.Combine(DataDirectory, "newer.db")), TimeProvider.System))
        {
            Assert.NotNull(await stores.Tracking.GetExperimentAsync("0"));
        }
        var path = Path.Combine(DataDirectory, "newer.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')";
            await insert.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<Keel.Core.Common.KeelException>(
            () => KeelStorage.OpenAsync(new StorageOptions(DataDirectory, "sqlite:///" + path), TimeProvider.System));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Keel", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql://user:secret@db/keel")]
    [InlineData("sqlite://")]
    public async Task Open_UnsupportedBackendUri_ThrowsWithoutLeakingSecrets(string uri)
    {
        var error = await Assert.ThrowsAsync<Keel.Core.Common.KeelException>(
            () => KeelStorage.OpenAsync(new StorageOptions(DataDirectory, uri), TimeProvider.System));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite", error.Message, StringComparison.Ordinal);
    }
}
