using Keel.Core.Deployments;
using Keel.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>The deployment store contract on a real SQLite file in a temporary folder.</summary>
public sealed class SqliteDeploymentStoreTests : DeploymentStoreContract
{
    private readonly SqliteStoresHarness _backend = new("keel-sqlite-deployments");

    protected override async Task<IDeploymentStore> OpenFreshAsync() => (await _backend.OpenAsync()).Deployments;

    protected override async Task<IDeploymentStore> ReopenAsync() => (await _backend.ReopenAsync()).Deployments;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
