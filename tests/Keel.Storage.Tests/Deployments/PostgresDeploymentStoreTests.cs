using Keel.Core.Deployments;
using Keel.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>The deployment store contract on a fresh PostgreSQL database of its own.</summary>
public sealed class PostgresDeploymentStoreTests : DeploymentStoreContract
{
    private readonly PostgresStoresHarness _backend = new("keel-postgres-deployments");

    protected override async Task<IDeploymentStore> OpenFreshAsync() => (await _backend.OpenAsync()).Deployments;

    protected override async Task<IDeploymentStore> ReopenAsync() => (await _backend.ReopenAsync()).Deployments;

    public override ValueTask DisposeAsync() => _backend.DisposeAsync();
}
