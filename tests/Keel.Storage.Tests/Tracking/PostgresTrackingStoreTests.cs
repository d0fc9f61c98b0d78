using Keel.Core.Tracking;
using Keel.Testing;

namespace Keel.Storage.Tests.Tracking;

/// <summary>The tracking store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresTrackingStoreTests : TrackingStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres");

    protected override async Task<ITrackingStore> OpenFreshAsync() => (await _backend.OpenAsync()).Tracking;

    protected override async Task<ITrackingStore> ReopenAsync() => (await _backend.ReopenAsync()).Tracking;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
