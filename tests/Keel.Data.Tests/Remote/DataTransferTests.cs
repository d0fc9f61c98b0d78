using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Profiles;
using Keel.Data.Cache;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Storage;
using Keel.Testing;
using static Keel.Data.Tests.Remote.TransferRepositories;

namespace Keel.Data.Tests.Remote;

/// <summary>Push and pull against a real server on loopback, with real caches in temporary folders.</summary>
public sealed class DataTransferTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("keel-transfer");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private DataRepository NewRepository(string name) => DataRepository.Open(Path.Combine(_directory.Path, name));

    private DataTransfer Transfer(DataRepository repository, int jobs = DataTransfer.DefaultJobs) =>
        new(fixture.Client, repository.Cache) { Jobs = jobs };

    private DataRepository CloneOf(DataRepository source, string name) => CopyPointers(source, NewRepository(name));

    private static string Unique() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task PushThenPull_IntoAnEmptyCache_RestoresEveryByte()
    {
        var source = NewRepository("source");
        var files = new Dictionary<string, byte[]>
        {
            ["a.csv"] = TrackedDataBuilder.Text("x,y\n1,2\n" + Unique()),
            ["nested/deeper/b.bin"] = TrackedDataBuilder.Random(5_000, 1),
            ["naïve/日本.txt"] = TrackedDataBuilder.Text("unicode " + Unique()),
            ["empty.txt"] = [],
        };
        TrackedDataBuilder.Folder(source, "folder", files);
        TrackedDataBuilder.File(source, "single.bin", TrackedDataBuilder.Random(3_000, 2));

        var pushed = await Transfer(source).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "clone");
        var progress = new RecordingTransferProgress();
        var pulled = await Transfer(clone).PullAsync(All(clone), progress, Ct);

        Assert.True(pushed.ObjectsSent > 0);
        Assert.Equal(pushed.ObjectsSent, pulled.ObjectsReceived);
        Assert.Equal(pushed.BytesSent, pulled.BytesReceived);
        var manifest = DataManifest.Parse(clone.Cache.ReadVerified(All(clone).Single(t => t.Spec.IsDirectory).Spec.Manifest));
        foreach (var file in manifest.Files)
        {
            Assert.Equal(files[file.Path], Rebuild(clone.Cache, file));
        }
        Assert.Equal(pulled.ObjectsReceived - 2, progress.Reports[^1].Objects);
        Assert.Equal(progress.Reports[^1].TotalBytes, progress.Reports[^1].Bytes);
    }

    [Fact]
    public async Task Push_Twice_SendsNothingTheSecondTime_AndPullTwiceFetchesNothing()
    {
        var source = NewRepository("twice");
        TrackedDataBuilder.File(source, "data.bin", TrackedDataBuilder.Random(4_000, 3));
        var first = await Transfer(source).PushAsync(All(source), ct: Ct);

        var second = await Transfer(source).PushAsync(All(source), ct: Ct);
        var pulled = await Transfer(source).PullAsync(All(source), ct: Ct);

        Assert.Equal(0, second.ObjectsSent);
        Assert.Equal(first.ObjectsSent, second.ObjectsSkipped);
        Assert.Equal(first.BytesSent, second.BytesSkipped);
        Assert.Equal(0, pulled.ObjectsReceived);
        Assert.Equal(first.ObjectsSent, pulled.ObjectsSkipped);
    }

    [Fact]
    public async Task Push_CancelledMidway_ResumesWithoutResendingWhatArrived()
    {
        var source = NewRepository("resume");
        TrackedDataBuilder.File(source, "big.bin", TrackedDataBuilder.Random(10 * TrackedDataBuilder.ChunkSize, 4));
        const int Before = 4;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new RecordingTransferProgress(p =>
        {
            if (p.Objects == Before)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transfer(source, jobs: 1).PushAsync(All(source), progress, cancel.Token));
        var resumed = await Transfer(source, jobs: 1).PushAsync(All(source), ct: Ct);

        // 10 chunks and the manifest: 4 arrived before the cancel, so 7 remain, the manifest last.
        Assert.Equal(Before, progress.Reports.Count);
        Assert.Equal(Before, resumed.ObjectsSkipped);
        Assert.Equal(11 - Before, resumed.ObjectsSent);
        var missing = await fixture.Client.FindMissingDataObjectsAsync(
            DataManifest.Parse(source.Cache.ReadVerified(All(source)[0].Spec.Manifest)).ChunkHashes().Append(All(source)[0].Spec.Manifest), Ct);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Push_Cancelled_NeverLeavesAManifestWithoutItsChunks()
    {
        var source = NewRepository("order");
        var tracked = TrackedDataBuilder.File(source, "data.bin", TrackedDataBuilder.Random(6 * TrackedDataBuilder.ChunkSize, 5));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var progress = new RecordingTransferProgress(p =>
        {
            if (p.Objects == 5)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transfer(source, jobs: 1).PushAsync([tracked], progress, cancel.Token));

        Assert.Equal([tracked.Spec.Manifest], await fixture.Client.FindMissingDataObjectsAsync([tracked.Spec.Manifest], Ct));
    }

    [Fact]
    public async Task ConcurrentPushes_OfOverlappingData_BothSucceed()
    {
        var shared = TrackedDataBuilder.Random(8 * TrackedDataBuilder.ChunkSize, 6);
        var left = NewRepository("left");
        var right = NewRepository("right");
        TrackedDataBuilder.File(left, "data.bin", [.. shared, .. TrackedDataBuilder.Random(2_000, 7)]);
        TrackedDataBuilder.File(right, "data.bin", [.. shared, .. TrackedDataBuilder.Random(2_000, 8)]);

        var results = await Task.WhenAll(Transfer(left, jobs: 4).PushAsync(All(left), ct: Ct), Transfer(right, jobs: 4).PushAsync(All(right), ct: Ct));

        Assert.All(results, r => Assert.True(r.ObjectsSent + r.ObjectsSkipped > 0));
        foreach (var repository in new[] { left, right })
        {
            var clone = CloneOf(repository, repository == left ? "left-clone" : "right-clone");
            await Transfer(clone).PullAsync(All(clone), ct: Ct);
            var manifest = DataManifest.Parse(clone.Cache.ReadVerified(All(clone)[0].Spec.Manifest));
            Assert.Equal(File.ReadAllBytes(Path.Combine(repository.Root, "data.bin")), Rebuild(clone.Cache, manifest.Files[0]));
        }
    }

    [Fact]
    public async Task Pull_AFlippedByteOnTheServer_NamesTheChunkAndFileAndCachesNothingCorrupt()
    {
        var source = NewRepository("flip");
        var tracked = TrackedDataBuilder.Folder(source, "set", new Dictionary<string, byte[]> { ["inner/rows.csv"] = TrackedDataBuilder.Text("id\n" + Unique()) });
        await Transfer(source).PushAsync([tracked], ct: Ct);
        var chunk = DataManifest.Parse(source.Cache.ReadVerified(tracked.Spec.Manifest)).Files[0].Chunks[0].Hash;
        var stored = Path.Combine(fixture.Server.DataDirectory, KeelStorage.DataObjectsFolderName, chunk[..2], chunk);
        var bytes = await File.ReadAllBytesAsync(stored, Ct);
        bytes[0] ^= 0x01;
        await File.WriteAllBytesAsync(stored, bytes, Ct);
        var clone = CloneOf(source, "flip-clone");

        var error = await Assert.ThrowsAsync<CorruptObjectException>(() => Transfer(clone).PullAsync(All(clone), ct: Ct));

        Assert.Contains(chunk, error.Message, StringComparison.Ordinal);
        Assert.Contains("set/inner/rows.csv", error.Message, StringComparison.Ordinal);
        Assert.False(clone.Cache.Contains(chunk));
        Assert.Empty(Directory.EnumerateFiles(clone.Cache.ObjectsRoot, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Pull_ObjectNotOnTheServer_IsNotFoundNamingThePointer()
    {
        var source = NewRepository("unpushed");
        TrackedDataBuilder.File(source, "never-pushed.bin", TrackedDataBuilder.Random(100, 9));
        var clone = CloneOf(source, "unpushed-clone");

        var error = await Assert.ThrowsAsync<KeelException>(() => Transfer(clone).PullAsync(All(clone), ct: Ct));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Contains("never-pushed.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ManifestMissingFromTheCache_IsNotFoundNamingThePointer()
    {
        var source = NewRepository("lost");
        var tracked = TrackedDataBuilder.File(source, "lost.bin", TrackedDataBuilder.Random(100, 10));
        source.Cache.Delete(tracked.Spec.Manifest);

        var error = await Assert.ThrowsAsync<KeelException>(() => Transfer(source).PushAsync([tracked], ct: Ct));

        Assert.Contains("'lost.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("keel data add", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_PointerNamingADataset_RecordsAVersionOnceWithTheProfile()
    {
        var dataset = "ds-" + Unique();
        var source = NewRepository("registered");
        var tracked = TrackedDataBuilder.File(source, "train.csv", TrackedDataBuilder.Text("a\n1\n2\n" + Unique()), dataset);
        var profiled = 0;
        var transfer = new DataTransfer(fixture.Client, source.Cache)
        {
            ProfileProvider = (item, _) =>
            {
                profiled++;
                return Task.FromResult<DatasetProfile?>(new DatasetProfile(3, [new ColumnProfile("a", ColumnKinds.Whole, 3, 0)]));
            },
        };

        var first = await transfer.PushAsync([tracked], ct: Ct);
        var second = await transfer.PushAsync([tracked], ct: Ct);
        var version = await fixture.Client.GetDatasetVersionAsync(dataset, 1, Ct);

        Assert.Equal(1, Assert.Single(first.DatasetVersions).Version);
        Assert.Empty(second.DatasetVersions);
        Assert.Equal(1, profiled);
        Assert.Equal(tracked.Spec.Manifest, version.ManifestHash);
        Assert.Equal(3, version.RowCount);
        Assert.Equal("train.csv.keel", version.Source);
        Assert.Equal("integer", Assert.Single(version.Schema!).Type);
    }
}
