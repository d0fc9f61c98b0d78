using Keel.Core.Common;
using Keel.Core.Deployments;
using Keel.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>Two Keel processes' deployment stores on one PostgreSQL database, adding revisions at once.</summary>
public sealed class PostgresDeploymentReplicaTests : IAsyncLifetime
{
    private const int WritesPerReplica = 20;

    private readonly PostgresStoresHarness _backend = new("keel-postgres-deployment-replicas");
    private KeelStores? _first;
    private KeelStores? _second;

    private IDeploymentStore First => _first?.Deployments ?? throw new InvalidOperationException("not opened");

    private IDeploymentStore Second => _second?.Deployments ?? throw new InvalidOperationException("not opened");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _first = await _backend.OpenAsync();
        _second = await KeelStorage.OpenAsync(new StorageOptions(_backend.DataDirectory, _backend.BackendStoreUri), TimeProvider.System, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
        await _backend.DisposeAsync();
    }

    private static DeploymentSpec Spec(string name, double weight) =>
        new(name, [new TrafficRoute("champion", "models:/churn@champion", weight)], [], null);

    [Fact]
    public async Task AddRevision_BothReplicasAtOnce_EveryRevisionLandsOnceInOrder()
    {
        await First.CreateAsync(Spec("shared", 0), 1_000, Ct);

        var added = await Task.WhenAll(Enumerable.Range(1, 2 * WritesPerReplica)
            .Select(i => Task.Run(() => (i % 2 == 0 ? First : Second).AddRevisionAsync(Spec("shared", i), 1_000 + i, ct: Ct), Ct)));
        var history = await Second.GetHistoryAsync("shared", Ct);

        Assert.Equal(Enumerable.Range(2, 2 * WritesPerReplica).Select(n => (long)n), added.Select(d => d.Revision).Order());
        Assert.Equal(Enumerable.Range(1, 2 * WritesPerReplica + 1).Reverse().Select(n => (long)n), history.Select(d => d.Revision));
        // Each revision holds the spec of the write that got its number.
        Assert.All(added, d => Assert.Equal(d.Spec.Routes[0].Weight, history.Single(h => h.Revision == d.Revision).Spec.Routes[0].Weight));
    }

    [Fact]
    public async Task AddRevision_SameExpectedRevisionFromBothReplicas_ExactlyOneWins()
    {
        await First.CreateAsync(Spec("contested", 0), 1_000, Ct);

        var attempts = await Task.WhenAll(Enumerable.Range(1, 2 * WritesPerReplica).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? First : Second).AddRevisionAsync(Spec("contested", i), 2_000, expectedRevision: 1, Ct);
                return (ErrorCode?)null;
            }
            catch (KeelException e)
            {
                return e.Code;
            }
        }, Ct)));

        Assert.Single(attempts, code => code is null);
        Assert.All(attempts.Where(code => code is not null), code => Assert.Equal(ErrorCode.InvalidState, code));
        Assert.Equal(2, (await Second.GetAsync("contested", Ct))!.Revision);
    }
}
