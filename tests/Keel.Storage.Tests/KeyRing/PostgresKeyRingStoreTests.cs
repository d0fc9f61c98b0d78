using Keel.Testing;

namespace Keel.Storage.Tests.KeyRing;

/// <summary>The key ring contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresKeyRingStoreTests : KeyRingStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-key-ring");

    protected override Task<KeelStores> OpenFreshAsync() => _backend.OpenAsync();

    protected override Task<KeelStores> ReopenAsync() => _backend.ReopenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
