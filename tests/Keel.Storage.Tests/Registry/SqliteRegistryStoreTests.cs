using Keel.Core.Registry;
using Keel.Testing;

namespace Keel.Storage.Tests.Registry;

/// <summary>The registry store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-registry");

    protected override async Task<IRegistryStore> OpenFreshAsync() => (await _backend.OpenAsync()).Registry;

    protected override async Task<IRegistryStore> ReopenAsync() => (await _backend.ReopenAsync()).Registry;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
