using Keel.Testing;

namespace Keel.Storage.Tests.KeyRing;

/// <summary>The key ring contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteKeyRingStoreTests : KeyRingStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-key-ring");

    protected override Task<KeelStores> OpenFreshAsync() => _backend.OpenAsync();

    protected override Task<KeelStores> ReopenAsync() => _backend.ReopenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
