using Keel.Core.Datasets;
using Keel.Testing;

namespace Keel.Storage.Tests.Datasets;

/// <summary>The dataset store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteDatasetStoreTests : DatasetStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-datasets");

    protected override async Task<IDatasetStore> OpenFreshAsync() => (await _backend.OpenAsync()).Datasets;

    protected override async Task<IDatasetStore> ReopenAsync() => (await _backend.ReopenAsync()).Datasets;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
