using Keel.Testing;

namespace Keel.Storage.Tests.Governance;

/// <summary>The governance store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteGovernanceStoreTests : GovernanceStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-governance");

    protected override Task<KeelStores> OpenFreshAsync() => _backend.OpenAsync();

    protected override Task<KeelStores> ReopenAsync() => _backend.ReopenAsync();

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
