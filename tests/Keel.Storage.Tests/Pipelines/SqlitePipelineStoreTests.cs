using Keel.Core.Pipelines;
using Keel.Testing;

namespace Keel.Storage.Tests.Pipelines;

/// <summary>The pipeline store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqlitePipelineStoreTests : PipelineStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-pipelines");

    protected override async Task<IPipelineStore> OpenFreshAsync() => (await _backend.OpenAsync()).Pipelines;

    protected override async Task<IPipelineStore> ReopenAsync() => (await _backend.ReopenAsync()).Pipelines;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
