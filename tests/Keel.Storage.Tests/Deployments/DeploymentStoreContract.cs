using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Storage.Tests.Deployments;

/// <summary>
/// What every <see cref="IDeploymentStore"/> backend must do. Each backend subclass says only how to open a
/// fresh store and how to reopen the same one; the assertions are shared.
/// </summary>
public abstract class DeploymentStoreContract : IAsyncLifetime
{
    private IDeploymentStore? _store;

    protected IDeploymentStore Store => _store ?? throw new InvalidOperationException("store not opened");

    /// <summary>Opens an empty store owned by this test class instance.</summary>
    protected abstract Task<IDeploymentStore> OpenFreshAsync();

    /// <summary>Closes the store and opens the same data again (a restart).</summary>
    protected abstract Task<IDeploymentStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DeploymentSpec Spec(string name, double championWeight = 90, string? sticky = "X-User") => new(
        name,
        [new TrafficRoute("champion", "models:/churn@champion", championWeight), new TrafficRoute("challenger", "models:/churn/2", 100 - championWeight)],
        [new ShadowRoute("candidate", "runs:/abc/model")],
        sticky);

    private static void AssertSameSpec(DeploymentSpec expected, DeploymentSpec actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Routes, actual.Routes);
        Assert.Equal(expected.Shadows, actual.Shadows);
        Assert.Equal(expected.StickyHeader, actual.StickyHeader);
    }

    [Fact]
    public async Task Create_StoresTheSpecAtRevisionOne()
    {
        var spec = Spec("create");

        var created = await Store.CreateAsync(spec, 1_000, Ct);
        var read = await Store.GetAsync("create", Ct);

        Assert.Equal(1, created.Revision);
        Assert.NotNull(read);
        Assert.Equal(1, read.Revision);
        Assert.Equal(1_000, read.CreationTimestamp);
        Assert.Equal(1_000, read.LastUpdatedTimestamp);
        AssertSameSpec(spec, read.Spec);
        Assert.Null(await Store.GetAsync("other", Ct));
    }

    [Fact]
    public async Task Create_KeepsFractionalWeightsAndNoStickyHeader()
    {
        var spec = Spec("exact", championWeight: 33.333333333333336, sticky: null) with { Shadows = [] };

        await Store.CreateAsync(spec, 1_000, Ct);

        AssertSameSpec(spec, (await Store.GetAsync("exact", Ct))!.Spec);
    }

    [Fact]
    public async Task Create_TakenName_ThrowsAlreadyExists()
    {
        await Store.CreateAsync(Spec("dup"), 1_000, Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.CreateAsync(Spec("dup"), 2_000, Ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task AddRevision_IncrementsTheRevisionAndKeepsTheOldOnes()
    {
        await Store.CreateAsync(Spec("rev", 90), 1_000, Ct);

        var second = await Store.AddRevisionAsync(Spec("rev", 50), 2_000, ct: Ct);
        var third = await Store.AddRevisionAsync(Spec("rev", 10), 3_000, 2, Ct);
        var history = await Store.GetHistoryAsync("rev", Ct);

        Assert.Equal(2, second.Revision);
        Assert.Equal(3, third.Revision);
        Assert.Equal(1_000, third.CreationTimestamp);
        Assert.Equal(3_000, third.LastUpdatedTimestamp);
        Assert.Equal([3L, 2L, 1L], history.Select(d => d.Revision));
        Assert.Equal([3_000L, 2_000L, 1_000L], history.Select(d => d.LastUpdatedTimestamp));
        Assert.All(history, d => Assert.Equal(1_000, d.CreationTimestamp));
        Assert.Equal([10d, 50d, 90d], history.Select(d => d.Spec.Routes[0].Weight));
        Assert.Equal(10, (await Store.GetAsync("rev", Ct))!.Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task AddRevision_UnexpectedCurrentRevision_ThrowsInvalidStateAndAddsNothing()
    {
        await Store.CreateAsync(Spec("race"), 1_000, Ct);
        await Store.AddRevisionAsync(Spec("race", 50), 2_000, ct: Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.AddRevisionAsync(Spec("race", 10), 3_000, 1, Ct));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Equal(2, (await Store.GetAsync("race", Ct))!.Revision);
    }

    [Fact]
    public async Task AddRevision_UnknownName_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.AddRevisionAsync(Spec("ghost"), 1_000, ct: Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task List_ReturnsCurrentRevisionsByName()
    {
        await Store.CreateAsync(Spec("list-b"), 1_000, Ct);
        await Store.CreateAsync(Spec("list-a"), 1_000, Ct);
        await Store.AddRevisionAsync(Spec("list-b", 40), 2_000, ct: Ct);

        var listed = await Store.ListAsync(Ct);

        Assert.Equal(["list-a", "list-b"], listed.Select(d => d.Name));
        Assert.Equal([1L, 2L], listed.Select(d => d.Revision));
        Assert.Equal(40, listed[1].Spec.Routes[0].Weight);
    }

    [Fact]
    public async Task History_UnknownName_IsEmpty() =>
        Assert.Empty(await Store.GetHistoryAsync("nobody", Ct));

    [Fact]
    public async Task Delete_RemovesTheDeploymentAndHistory_AndARecreatedOneStartsAgain()
    {
        await Store.CreateAsync(Spec("gone"), 1_000, Ct);
        await Store.AddRevisionAsync(Spec("gone", 50), 2_000, ct: Ct);

        await Store.DeleteAsync("gone", Ct);

        Assert.Null(await Store.GetAsync("gone", Ct));
        Assert.Empty(await Store.GetHistoryAsync("gone", Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAsync("gone", Ct))).Code);
        Assert.Equal(1, (await Store.CreateAsync(Spec("gone"), 3_000, Ct)).Revision);
        Assert.Single(await Store.GetHistoryAsync("gone", Ct));
    }

    [Fact]
    public async Task Reopen_KeepsDeploymentsAndHistory()
    {
        var spec = Spec("durable");
        await Store.CreateAsync(spec, 1_000, Ct);
        await Store.AddRevisionAsync(Spec("durable", 20), 2_000, ct: Ct);

        _store = await ReopenAsync();

        var history = await Store.GetHistoryAsync("durable", Ct);
        Assert.Equal([2L, 1L], history.Select(d => d.Revision));
        AssertSameSpec(spec, history[1].Spec);
        Assert.Equal(3, (await Store.AddRevisionAsync(spec, 3_000, ct: Ct)).Revision);
    }
}
