using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Registry.Governance;

namespace Keel.Storage.Tests.Governance;

/// <summary>
/// What every <see cref="IGovernanceStore"/> backend must do: moves change the alias and are recorded together,
/// history follows renames and goes with deletes, approvals are kept per user. Subclasses say how to open the stores.
/// </summary>
public abstract class GovernanceStoreContract : IAsyncLifetime
{
    private KeelStores? _stores;

    private IRegistryStore Registry => Stores.Registry;

    private IGovernanceStore Store => Stores.Governance;

    private KeelStores Stores => _stores ?? throw new InvalidOperationException("stores not opened");

    protected abstract Task<KeelStores> OpenFreshAsync();

    protected abstract Task<KeelStores> ReopenAsync();

    public async ValueTask InitializeAsync() => _stores = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private async Task ModelWithVersionsAsync(string name, int versions)
    {
        await Registry.CreateRegisteredModelAsync(new NewRegisteredModel(name, "", [], 1_000));
        for (var i = 0; i < versions; i++)
        {
            await Registry.CreateModelVersionAsync(new NewModelVersion(name, $"mlflow-artifacts:/0/r{i}/artifacts/model", $"r{i}", "", "", "", [], 2_000));
        }
    }

    private Task<AliasMove?> MoveAsync(string model, string alias, long? version, string kind = AliasMoveKinds.Set, long at = 3_000, string user = "ann", string reason = "") =>
        Store.MoveAliasAsync(new NewAliasMove(model, alias, version, user, reason, kind, at));

    [Fact]
    public async Task MoveAlias_SetsAliasAndRecordsPreviousAndNewVersion()
    {
        await ModelWithVersionsAsync("m", 2);

        var first = await MoveAsync("m", "champion", 1, AliasMoveKinds.Promote, 3_000, "ann", "first release");
        var second = await MoveAsync("m", "champion", 2, AliasMoveKinds.Set, 4_000, "bob", "");

        Assert.Equal(2, (await Registry.GetRegisteredModelAsync("m"))!.Aliases.Single(a => a.Alias == "champion").Version);
        var history = await Store.ListAliasMovesAsync("m", null);
        Assert.Equal([first!.Id, second!.Id], history.Select(m => m.Id));
        Assert.Equal(new AliasMove(first.Id, "m", "champion", null, 1, "ann", "first release", AliasMoveKinds.Promote, 3_000), history[0]);
        Assert.Equal(new AliasMove(second.Id, "m", "champion", 1, 2, "bob", "", AliasMoveKinds.Set, 4_000), history[1]);
        Assert.Equal(4_000, (await Registry.GetRegisteredModelAsync("m"))!.LastUpdatedTimestamp);
    }

    [Fact]
    public async Task MoveAlias_Delete_RemovesAliasAndRecords_AndMissingAliasIsNoOp()
    {
        await ModelWithVersionsAsync("m", 1);
        await MoveAsync("m", "champion", 1);

        var deleted = await MoveAsync("m", "champion", null, AliasMoveKinds.Delete, 5_000);
        var again = await MoveAsync("m", "champion", null, AliasMoveKinds.Delete, 6_000);

        Assert.Empty((await Registry.GetRegisteredModelAsync("m"))!.Aliases);
        Assert.Equal((1L, (long?)null), (deleted!.PreviousVersion!.Value, deleted.NewVersion));
        Assert.Null(again);
        Assert.Equal(2, (await Store.ListAliasMovesAsync("m", "champion")).Count);
    }

    [Fact]
    public async Task MoveAlias_UnknownModelOrVersion_ThrowsNotFoundAndRecordsNothing()
    {
        await ModelWithVersionsAsync("m", 1);

        var model = await Assert.ThrowsAsync<KeelException>(() => MoveAsync("absent", "champion", 1));
        var version = await Assert.ThrowsAsync<KeelException>(() => MoveAsync("m", "champion", 9));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, model.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, version.Code);
        Assert.Empty(await Store.ListAliasMovesAsync("m", null));
        Assert.Empty((await Registry.GetRegisteredModelAsync("m"))!.Aliases);
    }

    [Fact]
    public async Task ListAliasMoves_FiltersByAlias_FollowsRename_SurvivesRestart()
    {
        await ModelWithVersionsAsync("m", 2);
        await MoveAsync("m", "champion", 1);
        await MoveAsync("m", "challenger", 2);
        await Registry.RenameRegisteredModelAsync("m", "renamed", 4_000);

        _stores = await ReopenAsync();

        var challenger = Assert.Single(await Store.ListAliasMovesAsync("renamed", "challenger"));
        Assert.Equal(("renamed", 2L), (challenger.Model, challenger.NewVersion!.Value));
        Assert.Equal(2, (await Store.ListAliasMovesAsync("renamed", null)).Count);
        Assert.Empty(await Store.ListAliasMovesAsync("m", null));
    }

    [Fact]
    public async Task DeleteModel_TakesHistoryAndApprovals_SoARecreatedModelStartsClean()
    {
        await ModelWithVersionsAsync("m", 1);
        await MoveAsync("m", "champion", 1);
        await Store.AddApprovalAsync(new Approval("m", 1, "champion", "bob", "", 3_000));

        await Registry.DeleteRegisteredModelAsync("m");
        await ModelWithVersionsAsync("m", 1);

        Assert.Empty(await Store.ListAliasMovesAsync("m", null));
        Assert.Empty(await Store.ListApprovalsAsync("m", null));
    }

    [Fact]
    public async Task MoveAlias_Conditional_MovesOnlyWhileTheAliasNamesTheExpectedVersion()
    {
        await ModelWithVersionsAsync("m", 3);
        await MoveAsync("m", "champion", 3);

        var stale = new NewAliasMove("m", "champion", 1, "bob", "", AliasMoveKinds.Rollback, 4_000) { OnlyIf = new ExpectedHolder(2) };
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.MoveAliasAsync(stale));
        var fresh = await Store.MoveAliasAsync(new NewAliasMove("m", "champion", 2, "ann", "", AliasMoveKinds.Rollback, 5_000) { OnlyIf = new ExpectedHolder(3) });
        var unsetExpected = await Assert.ThrowsAsync<KeelException>(() => Store.MoveAliasAsync(
            new NewAliasMove("m", "challenger", 1, "ann", "", AliasMoveKinds.Set, 6_000) { OnlyIf = new ExpectedHolder(1) }));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("names version 3 now, not version 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidState, unsetExpected.Code);
        Assert.Equal((3L, 2L), (fresh!.PreviousVersion!.Value, fresh.NewVersion!.Value));
        Assert.Equal(2, (await Registry.GetRegisteredModelAsync("m"))!.Aliases.Single(a => a.Alias == "champion").Version);
        Assert.Equal(2, (await Store.ListAliasMovesAsync("m", null)).Count);
    }

    [Fact]
    public async Task MoveAlias_TwoConditionalMovesFromTheSameRead_OnlyOneLands()
    {
        await ModelWithVersionsAsync("m", 3);
        await MoveAsync("m", "champion", 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                await Store.MoveAliasAsync(new NewAliasMove("m", "champion", 2 - i, $"op{i}", "", AliasMoveKinds.Rollback, 4_000 + i) { OnlyIf = new ExpectedHolder(3) });
                return true;
            }
            catch (KeelException e) when (e.Code == ErrorCode.InvalidState)
            {
                return false;
            }
        }));

        Assert.Single(results, landed => landed);
        Assert.Equal(2, (await Store.ListAliasMovesAsync("m", "champion")).Count);
    }

    [Fact]
    public async Task DeleteVersion_RecordsTheRemovalOfEachAliasThatNamedIt_AndLeavesOthers()
    {
        await ModelWithVersionsAsync("m", 2);
        await MoveAsync("m", "champion", 1, at: 3_000);
        await MoveAsync("m", "backup", 1, at: 3_100);
        await MoveAsync("m", "challenger", 2, at: 3_200);

        await Registry.DeleteModelVersionAsync("m", 1, new ModelVersionDeletion("dan", 5_000));

        var removals = (await Store.ListAliasMovesAsync("m", null)).Where(m => m.Kind == AliasMoveKinds.Delete).ToList();
        Assert.Equal(["backup", "champion"], removals.Select(m => m.Alias).Order());
        Assert.All(removals, m => Assert.Equal(("dan", "version 1 deleted", 1L, (long?)null, 5_000L), (m.User, m.Reason, m.PreviousVersion!.Value, m.NewVersion, m.Timestamp)));
        Assert.Equal("challenger", Assert.Single((await Registry.GetRegisteredModelAsync("m"))!.Aliases).Alias);
        // Rollback planning ignores deletes: the champion's history still knows version 1 held it.
        Assert.Equal(2, (await Store.ListAliasMovesAsync("m", "champion")).Count);
    }

    [Fact]
    public async Task DeleteVersion_Unknown_ThrowsNotFoundAndRecordsNothing()
    {
        await ModelWithVersionsAsync("m", 1);
        await MoveAsync("m", "champion", 1);

        var error = await Assert.ThrowsAsync<KeelException>(() => Registry.DeleteModelVersionAsync("m", 7, new ModelVersionDeletion("dan", 5_000)));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Single(await Store.ListAliasMovesAsync("m", null));
    }

    [Fact]
    public async Task AddApproval_KeepsOnePerUserVersionAndAlias_AndDeletedVersionTakesItsApprovals()
    {
        await ModelWithVersionsAsync("m", 2);
        await Store.AddApprovalAsync(new Approval("m", 1, "champion", "bob", "looks good", 3_000));
        await Store.AddApprovalAsync(new Approval("m", 1, "champion", "bob", "still good", 4_000));
        await Store.AddApprovalAsync(new Approval("m", 1, "champion", "cat", "", 5_000));
        await Store.AddApprovalAsync(new Approval("m", 2, "champion", "cat", "", 6_000));

        var first = await Store.ListApprovalsAsync("m", 1);
        await Registry.DeleteModelVersionAsync("m", 1, new ModelVersionDeletion("ann", 9_000));

        Assert.Equal([("bob", "still good", 4_000L), ("cat", "", 5_000L)], first.Select(a => (a.User, a.Comment, a.Timestamp)));
        Assert.Equal(2, Assert.Single(await Store.ListApprovalsAsync("m", null)).Version);
    }

    [Fact]
    public async Task AddApproval_UnknownModelOrVersion_ThrowsNotFound()
    {
        await ModelWithVersionsAsync("m", 1);

        var model = await Assert.ThrowsAsync<KeelException>(() => Store.AddApprovalAsync(new Approval("absent", 1, "champion", "bob", "", 1)));
        var version = await Assert.ThrowsAsync<KeelException>(() => Store.AddApprovalAsync(new Approval("m", 7, "champion", "bob", "", 1)));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, model.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, version.Code);
        Assert.Empty(await Store.ListApprovalsAsync("m", null));
    }
}
