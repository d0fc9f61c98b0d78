using Keel.Core.Datasets;
using Keel.Testing;

namespace Keel.Storage.Tests.Datasets;

/// <summary>The dataset store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresDatasetStoreTests : DatasetStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-datasets");

    protected override async Task<IDatasetStore> OpenFreshAsync() => (await _backend.OpenAsync()).Datasets;

    protected override async Task<IDatasetStore> ReopenAsync() => (await _backend.ReopenAsync()).Datasets;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
