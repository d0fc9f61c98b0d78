using Keel.Core.Monitoring.Monitors;
using Keel.Testing;

namespace Keel.Storage.Tests.Monitors;

/// <summary>The monitor store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteMonitorStoreTests : MonitorStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-monitors");

    protected override async Task<IMonitorStore> OpenFreshAsync() => (await _backend.OpenAsync()).Monitors;

    protected override async Task<IMonitorStore> ReopenAsync() => (await _backend.ReopenAsync()).Monitors;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
