using Keel.Core.Registry;
using Keel.Testing;

namespace Keel.Storage.Tests.Registry;

/// <summary>The registry store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresRegistryStoreTests : RegistryStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-registry");

    protected override async Task<IRegistryStore> OpenFreshAsync() => (await _backend.OpenAsync()).Registry;

    protected override async Task<IRegistryStore> ReopenAsync() => (await _backend.ReopenAsync()).Registry;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
