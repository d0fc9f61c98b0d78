using Keel.Core.Common;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Tracking.Search;

namespace Keel.Storage.Tests.Registry;

/// <summary>
/// What every <see cref="IRegistryStore"/> backend must do. Each backend subclass says only how to open a
/// fresh store and how to reopen the same one; the assertions are shared.
/// </summary>
public abstract class RegistryStoreContract : IAsyncLifetime
{
    private IRegistryStore? _store;

    protected IRegistryStore Store => _store ?? throw new InvalidOperationException("store not opened");

    /// <summary>Opens an empty store owned by this test class instance.</summary>
    protected abstract Task<IRegistryStore> OpenFreshAsync();

    /// <summary>Closes the store and opens the same data again (a restart).</summary>
    protected abstract Task<IRegistryStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private Task<RegisteredModel> ModelAsync(string name, params Tag[] tags) =>
        Store.CreateRegisteredModelAsync(new NewRegisteredModel(name, "", tags, 1_000));

    private Task<ModelVersion> VersionAsync(string name, string runId = "run1", long at = 2_000) =>
        Store.CreateModelVersionAsync(new NewModelVersion(name, $"mlflow-artifacts:/0/{runId}/artifacts/model", runId, "", "", "", [], at));

    private static RegistryQuery Query(FilterNode? filter = null, int maxResults = 100, long offset = 0, params OrderByTerm[] orderBy) =>
        new(filter, orderBy, maxResults, offset);

    [Fact]
    public async Task CreateRegisteredModel_StoresNameTagsAndTimestamps()
    {
        var created = await ModelAsync("m", new Tag("team", "ml"));

        var model = await Store.GetRegisteredModelAsync("m");

        Assert.Equal(created.Name, model?.Name);
        Assert.NotNull(model);
        Assert.Equal(1_000, model.CreationTimestamp);
        Assert.Equal("ml", Assert.Single(model.Tags).Value);
        Assert.Null(await Store.GetRegisteredModelAsync("other"));
    }

    [Fact]
    public async Task CreateRegisteredModel_DuplicateName_ThrowsAlreadyExists()
    {
        await ModelAsync("dup");

        var error = await Assert.ThrowsAsync<KeelException>(() => ModelAsync("dup"));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task CreateModelVersion_NumbersPerModelFromOneAndNeverReuses()
    {
        await ModelAsync("a");
        await ModelAsync("b");

        Assert.Equal(1, (await VersionAsync("a")).Version);
        Assert.Equal(2, (await VersionAsync("a")).Version);
        Assert.Equal(1, (await VersionAsync("b")).Version);
        await Store.DeleteModelVersionAsync("a", 2, new ModelVersionDeletion("ann", 9_000));
        Assert.Equal(3, (await VersionAsync("a")).Version);
    }

    [Fact]
    public async Task CreateModelVersion_UnknownModel_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => VersionAsync("missing"));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task Registry_SurvivesReopen()
    {
        await ModelAsync("kept");
        await VersionAsync("kept");
        await Store.SetAliasAsync("kept", "champion", 1, 3_000);

        _store = await ReopenAsync();

        var model = await Store.GetRegisteredModelAsync("kept");
        Assert.NotNull(model);
        Assert.Equal(new ModelAlias("champion", 1), Assert.Single(model.Aliases));
        Assert.Equal(["champion"], (await Store.GetModelVersionAsync("kept", 1))?.Aliases);
    }

    [Fact]
    public async Task Rename_MovesVersionsAndRefusesExistingName()
    {
        await ModelAsync("old");
        await ModelAsync("taken");
        await VersionAsync("old");

        await Store.RenameRegisteredModelAsync("old", "new", 5_000);

        Assert.Null(await Store.GetRegisteredModelAsync("old"));
        Assert.Equal("new", (await Store.GetModelVersionAsync("new", 1))?.Name);
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.RenameRegisteredModelAsync("new", "taken", 6_000));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task DeleteRegisteredModel_RemovesVersionsTagsAndAliases()
    {
        await ModelAsync("gone", new Tag("k", "v"));
        await VersionAsync("gone");
        await Store.SetAliasAsync("gone", "a", 1, 3_000);

        await Store.DeleteRegisteredModelAsync("gone");
        await ModelAsync("gone");

        var model = await Store.GetRegisteredModelAsync("gone");
        Assert.NotNull(model);
        Assert.Empty(model.Tags);
        Assert.Empty(model.Aliases);
        Assert.Null(await Store.GetModelVersionAsync("gone", 1));
        Assert.Equal(1, (await VersionAsync("gone")).Version);
    }

    [Fact]
    public async Task DeleteModelVersion_RemovesItsAliasesOnly()
    {
        await ModelAsync("m");
        await VersionAsync("m");
        await VersionAsync("m");
        await Store.SetAliasAsync("m", "old", 1, 3_000);
        await Store.SetAliasAsync("m", "new", 2, 3_000);

        await Store.DeleteModelVersionAsync("m", 1, new ModelVersionDeletion("ann", 9_000));

        var model = await Store.GetRegisteredModelAsync("m");
        Assert.Equal(new ModelAlias("new", 2), Assert.Single(model!.Aliases));
    }

    [Fact]
    public async Task SetAlias_MissingVersion_ThrowsNotFound_AndMovesWhenSetAgain()
    {
        await ModelAsync("m");
        await VersionAsync("m");
        await VersionAsync("m");

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.SetAliasAsync("m", "champion", 9, 3_000));
        await Store.SetAliasAsync("m", "champion", 1, 3_000);
        await Store.SetAliasAsync("m", "champion", 2, 4_000);

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal(new ModelAlias("champion", 2), Assert.Single((await Store.GetRegisteredModelAsync("m"))!.Aliases));
        await Store.DeleteAliasAsync("m", "champion");
        Assert.Empty((await Store.GetRegisteredModelAsync("m"))!.Aliases);
    }

    [Fact]
    public async Task DeleteAlias_Missing_IsANoOp_ButUnknownModelThrowsNotFound()
    {
        await ModelAsync("m");
        await VersionAsync("m");
        await Store.SetAliasAsync("m", "kept", 1, 3_000);

        await Store.DeleteAliasAsync("m", "never-set");
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteAliasAsync("absent", "kept"));

        Assert.Equal(new ModelAlias("kept", 1), Assert.Single((await Store.GetRegisteredModelAsync("m"))!.Aliases));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task TransitionStage_ArchiveExisting_ArchivesOnlyThatStage()
    {
        await ModelAsync("m");
        for (var i = 0; i < 3; i++)
        {
            await VersionAsync("m");
        }
        await Store.TransitionStageAsync("m", 1, ModelStage.Production, false, 3_000);
        await Store.TransitionStageAsync("m", 2, ModelStage.Staging, false, 3_000);

        var moved = await Store.TransitionStageAsync("m", 3, ModelStage.Production, true, 4_000);

        Assert.Equal(ModelStage.Production, moved.CurrentStage);
        Assert.Equal(4_000, moved.LastUpdatedTimestamp);
        Assert.Equal(ModelStage.Archived, (await Store.GetModelVersionAsync("m", 1))?.CurrentStage);
        Assert.Equal(ModelStage.Staging, (await Store.GetModelVersionAsync("m", 2))?.CurrentStage);
    }

    [Fact]
    public async Task LatestVersions_HoldNewestPerStage()
    {
        await ModelAsync("m");
        for (var i = 0; i < 4; i++)
        {
            await VersionAsync("m");
        }
        await Store.TransitionStageAsync("m", 2, ModelStage.Production, false, 3_000);

        var latest = (await Store.GetRegisteredModelAsync("m"))!.LatestVersions;

        Assert.Equal([(2L, ModelStage.Production), (4L, ModelStage.None)], latest.Select(v => (v.Version, v.CurrentStage)).Order());
    }

    [Fact]
    public async Task Tags_SetReplaceAndDelete()
    {
        await ModelAsync("m");
        await VersionAsync("m");

        await Store.SetRegisteredModelTagAsync("m", new Tag("k", "1"), 3_000);
        await Store.SetRegisteredModelTagAsync("m", new Tag("k", "2"), 3_000);
        await Store.SetModelVersionTagAsync("m", 1, new Tag("v", "x"), 3_000);

        Assert.Equal("2", Assert.Single((await Store.GetRegisteredModelAsync("m"))!.Tags).Value);
        Assert.Equal("x", Assert.Single((await Store.GetModelVersionAsync("m", 1))!.Tags).Value);
        await Store.DeleteRegisteredModelTagAsync("m", "k");
        await Store.DeleteModelVersionTagAsync("m", 1, "v");
        Assert.Empty((await Store.GetRegisteredModelAsync("m"))!.Tags);
        Assert.Empty((await Store.GetModelVersionAsync("m", 1))!.Tags);
    }

    [Fact]
    public async Task DeleteTag_MissingKey_IsANoOp_ButUnknownModelOrVersionThrowsNotFound()
    {
        await ModelAsync("m", new Tag("kept", "1"));
        await VersionAsync("m");

        await Store.DeleteRegisteredModelTagAsync("m", "never-set");
        await Store.DeleteModelVersionTagAsync("m", 1, "never-set");
        var unknownModel = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteRegisteredModelTagAsync("absent", "kept"));
        var unknownVersion = await Assert.ThrowsAsync<KeelException>(() => Store.DeleteModelVersionTagAsync("m", 9, "kept"));

        Assert.Equal("kept", Assert.Single((await Store.GetRegisteredModelAsync("m"))!.Tags).Key);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknownModel.Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, unknownVersion.Code);
    }

    [Fact]
    public async Task SearchRegisteredModels_FiltersOrdersAndPages()
    {
        foreach (var name in new[] { "beta", "alpha", "gamma" })
        {
            await ModelAsync(name);
        }

        var first = await Store.SearchRegisteredModelsAsync(Query(maxResults: 2));
        var second = await Store.SearchRegisteredModelsAsync(Query(maxResults: 2, offset: PageToken.DecodeOffset(first.NextPageToken)));
        var filtered = await Store.SearchRegisteredModelsAsync(Query(SearchFilterParser.ParseRegisteredModelFilter("name LIKE '%a'")));
        var descending = await Store.SearchRegisteredModelsAsync(Query(orderBy: SearchFilterParser.ParseRegisteredModelOrderBy(["name DESC"]).ToArray()));

        Assert.Equal(["alpha", "beta"], first.Items.Select(m => m.Name));
        Assert.Equal(["gamma"], second.Items.Select(m => m.Name));
        Assert.Null(second.NextPageToken);
        Assert.Equal(["alpha", "beta", "gamma"], filtered.Items.Select(m => m.Name));
        Assert.Equal(["gamma", "beta", "alpha"], descending.Items.Select(m => m.Name));
    }

    [Fact]
    public async Task SearchModelVersions_FiltersByRunIdSourceAndTag()
    {
        await ModelAsync("m");
        await VersionAsync("m", "r1");
        await VersionAsync("m", "r2");
        await Store.SetModelVersionTagAsync("m", 2, new Tag("ok", "yes"), 3_000);

        async Task<long[]> Where(string filter) =>
            (await Store.SearchModelVersionsAsync(Query(SearchFilterParser.ParseModelVersionFilter(filter)))).Items.Select(v => v.Version).ToArray();

        Assert.Equal(new long[] { 2L, 1L }, await Where("name = 'm'"));
        Assert.Equal(new long[] { 1L }, await Where("run_id = 'r1'"));
        Assert.Equal(new long[] { 2L, 1L }, await Where("run_id IN ('r1', 'r2')"));
        Assert.Equal(new long[] { 2L }, await Where("source = 'mlflow-artifacts:/0/r2/artifacts/model'"));
        Assert.Equal(new long[] { 2L }, await Where("tags.ok = 'yes'"));
    }
}
