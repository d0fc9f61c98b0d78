using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Datasets;
using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Datasets;

/// <summary>What every <see cref="IDatasetStore"/> backend must do; each backend subclass says only how to open it.</summary>
public abstract class DatasetStoreContract : IAsyncLifetime
{
    private IDatasetStore? _store;

    protected IDatasetStore Store => _store ?? throw new InvalidOperationException("store not opened");

    protected abstract Task<IDatasetStore> OpenFreshAsync();

    protected abstract Task<IDatasetStore> ReopenAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Hash(char c) => new(c, 64);

    private static NewDatasetVersion Version(string name, char hash, long now, DatasetProfile? profile = null) => new(
        name, Hash(hash), 1_234, 1, DatasetKinds.File, "first", [new Tag("stage", "raw")], null, "data/train.csv.keel",
        profile?.RowCount, profile?.Columns.Select(c => new DatasetColumn(c.Name, c.Type)).ToArray(), profile, now);

    [Fact]
    public async Task CreateDataset_StoresItWithTags()
    {
        await Store.CreateDatasetAsync(new NewDataset("iris", "flowers", [new Tag("b", "2"), new Tag("a", "1")], 1_000), Ct);

        var read = await Store.GetDatasetAsync("iris", Ct);

        Assert.NotNull(read);
        Assert.Equal("flowers", read.Description);
        Assert.Equal(["a", "b"], read.Tags.Select(t => t.Key));
        Assert.Equal(1_000, read.CreationTimestamp);
        Assert.Null(read.LatestVersion);
        Assert.Null(await Store.GetDatasetAsync("other", Ct));
    }

    [Fact]
    public async Task CreateDataset_TakenName_ThrowsAlreadyExists()
    {
        await Store.CreateDatasetAsync(new NewDataset("dup", "", [], 1), Ct);

        var error = await Assert.ThrowsAsync<KeelException>(() => Store.CreateDatasetAsync(new NewDataset("dup", "", [], 2), Ct));

        Assert.Equal(ErrorCode.ResourceAlreadyExists, error.Code);
    }

    [Fact]
    public async Task CreateVersion_NumbersFromOneAndListsNewestFirstWithoutProfiles()
    {
        await Store.CreateDatasetAsync(new NewDataset("numbered", "", [], 1), Ct);
        var profile = new DatasetProfile(3, [new ColumnProfile("x", ColumnKinds.Real, 3, 0, Min: 1, Max: 3)]);

        var first = await Store.CreateVersionAsync(Version("numbered", 'a', 10, profile), Ct);
        var second = await Store.CreateVersionAsync(Version("numbered", 'b', 20), Ct);
        var page = await Store.ListVersionsAsync("numbered", 10, 0, Ct);
        var got = await Store.GetVersionAsync("numbered", 1, Ct);

        Assert.Equal([1L, 2L], [first.Version, second.Version]);
        Assert.Equal([2L, 1L], page.Items.Select(v => v.Version));
        Assert.All(page.Items, v => Assert.Null(v.Profile));
        Assert.NotNull(got);
        Assert.Equal(3, got.RowCount);
        Assert.Equal(profile.ToJson(), got.Profile!.ToJson());
        Assert.Equal([new DatasetColumn("x", ColumnKinds.Real)], got.Schema);
        Assert.Equal([new Tag("stage", "raw")], got.Tags);
        Assert.Equal(2, (await Store.GetDatasetAsync("numbered", Ct))!.LatestVersion);
    }

    [Fact]
    public async Task ListVersions_Paginates()
    {
        await Store.CreateDatasetAsync(new NewDataset("paged", "", [], 1), Ct);
        foreach (var c in "abc")
        {
            await Store.CreateVersionAsync(Version("paged", c, 5), Ct);
        }

        var first = await Store.ListVersionsAsync("paged", 2, 0, Ct);
        var rest = await Store.ListVersionsAsync("paged", 2, PageToken.DecodeOffset(first.NextPageToken), Ct);

        Assert.Equal([3L, 2L], first.Items.Select(v => v.Version));
        Assert.Equal([1L], rest.Items.Select(v => v.Version));
        Assert.Null(rest.NextPageToken);
    }

    [Fact]
    public async Task SearchDatasets_FiltersByPrefixLiterally()
    {
        foreach (var name in new[] { "p%_one", "p%_two", "pxone", "q" })
        {
            await Store.CreateDatasetAsync(new NewDataset(name, "", [], 1), Ct);
        }

        var found = await Store.SearchDatasetsAsync("p%_", 10, 0, Ct);

        Assert.Equal(["p%_one", "p%_two"], found.Items.Select(d => d.Name));
    }

    [Fact]
    public async Task FindVersionsByManifest_FindsEveryDatasetHoldingIt()
    {
        await Store.CreateDatasetAsync(new NewDataset("m1", "", [], 1), Ct);
        await Store.CreateDatasetAsync(new NewDataset("m2", "", [], 1), Ct);
        await Store.CreateVersionAsync(Version("m1", 'd', 10), Ct);
        await Store.CreateVersionAsync(Version("m2", 'd', 20), Ct);

        var found = await Store.FindVersionsByManifestAsync(Hash('d'), Ct);

        Assert.Equal(["m1", "m2"], found.Select(v => v.Name));
        Assert.Empty(await Store.FindVersionsByManifestAsync(Hash('e'), Ct));
    }

    [Fact]
    public async Task Tags_SetReplaceAndDelete()
    {
        await Store.CreateDatasetAsync(new NewDataset("tagged", "", [], 1), Ct);
        await Store.CreateVersionAsync(Version("tagged", 'f', 2), Ct);

        await Store.SetDatasetTagAsync("tagged", new Tag("k", "1"), 3, Ct);
        await Store.SetDatasetTagAsync("tagged", new Tag("k", "2"), 4, Ct);
        await Store.SetVersionTagAsync("tagged", 1, new Tag("v", "x"), 5, Ct);
        await Store.DeleteVersionTagAsync("tagged", 1, "stage", Ct);
        await Store.DeleteDatasetTagAsync("tagged", "absent", Ct);

        Assert.Equal([new Tag("k", "2")], (await Store.GetDatasetAsync("tagged", Ct))!.Tags);
        Assert.Equal([new Tag("v", "x")], (await Store.GetVersionAsync("tagged", 1, Ct))!.Tags);
        var error = await Assert.ThrowsAsync<KeelException>(() => Store.SetVersionTagAsync("tagged", 9, new Tag("v", "x"), 6, Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Fact]
    public async Task DeleteDataset_RemovesVersionsAndKeepsNumbersApartFromNewDatasets()
    {
        await Store.CreateDatasetAsync(new NewDataset("gone", "", [], 1), Ct);
        await Store.CreateVersionAsync(Version("gone", '1', 2), Ct);

        await Store.DeleteDatasetAsync("gone", Ct);
        await Store.CreateDatasetAsync(new NewDataset("gone", "", [], 3), Ct);

        Assert.Null(await Store.GetVersionAsync("gone", 1, Ct));
        Assert.Empty(await Store.FindVersionsByManifestAsync(Hash('1'), Ct));
        Assert.Equal(1, (await Store.CreateVersionAsync(Version("gone", '2', 4), Ct)).Version);
    }

    [Fact]
    public async Task Reopen_KeepsEverything()
    {
        await Store.CreateDatasetAsync(new NewDataset("kept", "d", [new Tag("a", "b")], 1), Ct);
        await Store.CreateVersionAsync(Version("kept", '9', 2), Ct);

        _store = await ReopenAsync();

        Assert.Equal("d", (await Store.GetDatasetAsync("kept", Ct))!.Description);
        Assert.Equal(Hash('9'), (await Store.GetVersionAsync("kept", 1, Ct))!.ManifestHash);
    }
}
