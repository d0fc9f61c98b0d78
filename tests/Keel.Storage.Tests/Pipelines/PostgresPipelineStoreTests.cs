using Keel.Core.Pipelines;
using Keel.Testing;

namespace Keel.Storage.Tests.Pipelines;

/// <summary>The pipeline store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresPipelineStoreTests : PipelineStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-pipelines");

    protected override async Task<IPipelineStore> OpenFreshAsync() => (await _backend.OpenAsync()).Pipelines;

    protected override async Task<IPipelineStore> ReopenAsync() => (await _backend.ReopenAsync()).Pipelines;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
