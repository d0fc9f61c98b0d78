using Keel.Testing;

namespace Keel.Storage.Tests.Governance;

/// <summary>The governance store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresGovernanceStoreTests : GovernanceStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-governance");

    protected override Task<KeelStores> OpenFreshAsync() => _backend.OpenAsync();

    protected override Task<KeelStores> ReopenAsync() => _backend.ReopenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
