using System.Globalization;
using Keel.Core.Datasets;
using Keel.Core.Tracking;
using Keel.Testing;

namespace Keel.Storage.Tests.Datasets;

/// <summary>Two Keel processes' dataset stores on one PostgreSQL database, versioning one dataset at once.</summary>
public sealed class PostgresDatasetReplicaTests : IAsyncLifetime
{
    private const int WritesPerReplica = 20;

    private readonly PostgresStoresHarness _backend = new("keel-postgres-dataset-replicas");
    private KeelStores? _first;
    private KeelStores? _second;

    private IDatasetStore First => _first?.Datasets ?? throw new InvalidOperationException("not opened");

    private IDatasetStore Second => _second?.Datasets ?? throw new InvalidOperationException("not opened");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _first = await _backend.OpenAsync();
        _second = await KeelStorage.OpenAsync(new StorageOptions(_backend.DataDirectory, _backend.BackendStoreUri), TimeProvider.System, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
        await _backend.DisposeAsync();
    }

    private static NewDatasetVersion Version(string name, int i) => new(
        name, i.ToString("x64", CultureInfo.InvariantCulture), 100 + i, 1, DatasetKinds.File, $"write {i}",
        [new Tag("writer", $"{i}")], null, "data/train.csv.keel", null, null, null, 1_000 + i);

    [Fact]
    public async Task CreateVersion_BothReplicasAtOnce_NumbersAreUniqueAndGapless()
    {
        await First.CreateDatasetAsync(new NewDataset("shared", "", [], 1), Ct);

        var created = await Task.WhenAll(Enumerable.Range(0, 2 * WritesPerReplica)
            .Select(i => Task.Run(() => (i % 2 == 0 ? First : Second).CreateVersionAsync(Version("shared", i), Ct), Ct)));
        var listed = await Second.ListVersionsAsync("shared", 1_000, 0, Ct);

        Assert.Equal(Enumerable.Range(1, 2 * WritesPerReplica).Select(n => (long)n), created.Select(v => v.Version).Order());
        Assert.Equal(Enumerable.Range(1, 2 * WritesPerReplica).Reverse().Select(n => (long)n), listed.Items.Select(v => v.Version));
        // Each number holds the manifest of the write that got it.
        Assert.All(created, v => Assert.Equal(v.ManifestHash, listed.Items.Single(l => l.Version == v.Version).ManifestHash));
        Assert.Equal(2L * WritesPerReplica, (await First.GetDatasetAsync("shared", Ct))!.LatestVersion);
    }
}
