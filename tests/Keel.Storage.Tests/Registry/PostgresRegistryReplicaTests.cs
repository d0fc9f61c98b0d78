using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;
using Keel.Testing;

namespace Keel.Storage.Tests.Registry;

/// <summary>
/// Two Keel processes' registry stores (two data sources) on one PostgreSQL database, writing at once: what a single
/// SQLite writer guarantees by construction must hold across replicas.
/// </summary>
public sealed class PostgresRegistryReplicaTests : IAsyncLifetime
{
    private const int WritesPerReplica = 20;

    private readonly PostgresStoresHarness _backend = new("keel-postgres-registry-replicas");
    private KeelStores? _first;
    private KeelStores? _second;

    private IRegistryStore First => _first?.Registry ?? throw new InvalidOperationException("not opened");

    private IRegistryStore Second => _second?.Registry ?? throw new InvalidOperationException("not opened");

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

    private static NewModelVersion Version(string name, int i) =>
        new(name, $"mlflow-artifacts:/0/run{i}/artifacts/model", $"run{i}", "", "", "", [], 2_000 + i);

    [Fact]
    public async Task CreateModelVersion_BothReplicasAtOnce_NumbersAreUniqueAndGapless()
    {
        await First.CreateRegisteredModelAsync(new NewRegisteredModel("shared", "", [], 1_000), Ct);

        var created = await Task.WhenAll(Enumerable.Range(0, 2 * WritesPerReplica)
            .Select(i => Task.Run(() => (i % 2 == 0 ? First : Second).CreateModelVersionAsync(Version("shared", i), Ct), Ct)));
        var listed = await Second.SearchModelVersionsAsync(
            new RegistryQuery(SearchFilterParser.ParseModelVersionFilter("name = 'shared'"), [], 1_000, 0), Ct);

        var expected = Enumerable.Range(1, 2 * WritesPerReplica).Select(n => (long)n).ToArray();
        Assert.Equal(expected, created.Select(v => v.Version).Order());
        Assert.Equal(expected, listed.Items.Select(v => v.Version).Order());
        Assert.Equal(created.Select(v => v.RunId).Order(), listed.Items.Select(v => v.RunId).Order());
    }

    [Fact]
    public async Task CreateRegisteredModel_SameNameFromBothReplicas_ExactlyOneWins()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 2 * WritesPerReplica).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? First : Second).CreateRegisteredModelAsync(new NewRegisteredModel("contested", $"by {i}", [], 1_000), Ct);
                return (ErrorCode?)null;
            }
            catch (KeelException e)
            {
                return e.Code;
            }
        }, Ct)));

        Assert.Single(attempts, code => code is null);
        Assert.All(attempts.Where(code => code is not null), code => Assert.Equal(ErrorCode.ResourceAlreadyExists, code));
    }

    [Fact]
    public async Task Issue_6_WritesRacingADeleteOnAnotherReplica_FailOnlyAsNotFound()
    {
        await First.CreateRegisteredModelAsync(new NewRegisteredModel("doomed", "", [], 1_000), Ct);
        await First.CreateModelVersionAsync(Version("doomed", 0), Ct);

        var writes = Enumerable.Range(0, 2 * WritesPerReplica).Select(i => Task.Run(async () =>
        {
            try
            {
                await Second.SetModelVersionTagAsync("doomed", 1, new Tag($"k{i}", "v"), 3_000, Ct);
                await Second.SetAliasAsync("doomed", $"a{i}", 1, 3_000, Ct);
                return (ErrorCode?)null;
            }
            catch (KeelException e)
            {
                return e.Code;
            }
        }, Ct)).ToArray();
        await First.DeleteRegisteredModelAsync("doomed", Ct);
        var outcomes = await Task.WhenAll(writes);

        Assert.All(outcomes.Where(code => code is not null), code => Assert.Equal(ErrorCode.ResourceDoesNotExist, code));
        Assert.Null(await Second.GetRegisteredModelAsync("doomed", Ct));
    }
}
