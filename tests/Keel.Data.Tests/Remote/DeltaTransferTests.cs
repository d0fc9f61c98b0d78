using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Storage;
using Keel.Data.Add;
using Keel.Data.Cache;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Tests.Support;
using Keel.Storage;
using Keel.Testing;
using static Keel.Data.Tests.Remote.TransferRepositories;

namespace Keel.Data.Tests.Remote;

/// <summary>Push and pull of delta-encoded and compressed chunks against a real server on loopback.</summary>
public sealed class DeltaTransferTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private static readonly DataAddOptions Options = new() { Chunker = ChunkerOptions.ForAverage(16 * 1024) };

    private readonly TempDirectory _directory = new("keel-delta-transfer");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private DataRepository NewRepository(string name)
    {
        Directory.CreateDirectory(Path.Combine(_directory.Path, name, DataRepository.KeelFolder));
        return DataRepository.Open(Path.Combine(_directory.Path, name));
    }

    private DataTransfer Transfer(DataRepository repository) => new(fixture.Client, repository.Cache);


    private string ServerPath(string hash) => Path.Combine(fixture.Server.DataDirectory, KeelStorage.DataObjectsFolderName, hash[..2], hash);

    /// <summary>Writes and adds a version of table.csv (unique to this test through its seed), returning its manifest.</summary>
    private static DataManifest AddVersion(DataRepository repository, byte[] content) => TransferRepositories.AddVersion(repository, content, Options);

    private DataRepository CloneOf(DataRepository source, string name)
    {
        var clone = NewRepository(name);
        File.Copy(Path.Combine(source.Root, "table.csv" + DataPointer.Extension), Path.Combine(clone.Root, "table.csv" + DataPointer.Extension));
        return clone;
    }

    private static byte[] Rebuild(LocalObjectCache cache, DataManifest manifest) => TransferRepositories.Rebuild(cache, manifest.Files[0]);

    private static StoredObjectHeader? HeaderOf(string path) => StoredObjectHeader.Read(Path.GetFileName(path), File.ReadAllBytes(path));

    private static string[] Changed(DataManifest before, DataManifest after) =>
        [.. after.ChunkHashes().Except(before.ChunkHashes())];

    [Fact]
    public async Task PushTwoVersions_SendsDeltas_AndPullIntoAnEmptyCacheRestoresEveryByte()
    {
        var source = NewRepository("two");
        var v1 = EditedCsv.Table(200_000, seed: Random.Shared.Next());
        var first = AddVersion(source, v1);
        await Transfer(source).PushAsync(All(source), ct: Ct);
        var v2 = EditedCsv.Edit(v1, 8, seed: 11);
        var second = AddVersion(source, v2);

        var pushed = await Transfer(source).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "two-clone");
        var pulled = await Transfer(clone).PullAsync(All(clone), ct: Ct);

        var changed = Changed(first, second);
        Assert.Equal(changed.Length + 1, pushed.ObjectsSent);
        Assert.All(changed, h => Assert.Equal(StoredObjectKind.Delta, HeaderOf(ServerPath(h))?.Kind));
        Assert.Equal(v2, Rebuild(clone.Cache, second));
        // The clone fetched the bases of the deltas too, and keeps them (as gc would).
        Assert.True(pulled.ObjectsReceived > second.ChunkHashes().Count() + 1);
        Assert.All(changed, h => Assert.True(clone.Cache.Contains(clone.Cache.ReadHeader(h)!.Value.BaseHash!)));
    }

    [Fact]
    public async Task PushOnlyTheSecondVersion_SendsItsDeltasInFull()
    {
        var source = NewRepository("only-second");
        var v1 = EditedCsv.Table(150_000, seed: Random.Shared.Next());
        var first = AddVersion(source, v1);
        var second = AddVersion(source, EditedCsv.Edit(v1, 6, seed: 12));
        var changed = Changed(first, second);
        Assert.All(changed, h => Assert.Equal(StoredObjectKind.Delta, source.Cache.ReadHeader(h)?.Kind));

        await Transfer(source).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "only-second-clone");
        await Transfer(clone).PullAsync(All(clone), ct: Ct);

        Assert.All(changed, h => Assert.NotEqual(StoredObjectKind.Delta, HeaderOf(ServerPath(h))?.Kind));
        Assert.Empty(await fixture.Client.FindMissingDataObjectsAsync(second.ChunkHashes(), Ct));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source.Root, "table.csv")), Rebuild(clone.Cache, second));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pull_FlippedByteInADeltaOrItsBaseOnTheServer_IsReportedAndNothingCorruptIsCached(bool inBase)
    {
        var source = NewRepository("flip-" + inBase);
        var v1 = EditedCsv.Table(100_000, seed: Random.Shared.Next());
        var first = AddVersion(source, v1);
        await Transfer(source).PushAsync(All(source), ct: Ct);
        var second = AddVersion(source, EditedCsv.Edit(v1, 4, seed: 13));
        await Transfer(source).PushAsync(All(source), ct: Ct);
        var delta = Changed(first, second).First(h => HeaderOf(ServerPath(h))?.Kind == StoredObjectKind.Delta);
        var damaged = inBase ? HeaderOf(ServerPath(delta))!.Value.BaseHash! : delta;
        DataTree.FlipByte(ServerPath(damaged), offset: (int)new FileInfo(ServerPath(damaged)).Length - 2);
        var clone = CloneOf(source, "flip-clone-" + inBase);

        var error = await Assert.ThrowsAsync<CorruptObjectException>(() => Transfer(clone).PullAsync(All(clone), ct: Ct));

        Assert.Contains(damaged, error.Message, StringComparison.Ordinal);
        Assert.Contains("'table.csv'", error.Message, StringComparison.Ordinal);
        Assert.False(clone.Cache.Contains(damaged));
        Assert.False(clone.Cache.Contains(delta));
    }
}
