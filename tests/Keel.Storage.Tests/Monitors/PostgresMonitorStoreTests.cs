using Keel.Core.Monitoring.Monitors;
using Keel.Testing;

namespace Keel.Storage.Tests.Monitors;

/// <summary>The monitor store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresMonitorStoreTests : MonitorStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-monitors");

    protected override async Task<IMonitorStore> OpenFreshAsync() => (await _backend.OpenAsync()).Monitors;

    protected override async Task<IMonitorStore> ReopenAsync() => (await _backend.ReopenAsync()).Monitors;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
