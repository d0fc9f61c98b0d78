using Keel.Client;
using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Storage;
using Keel.Data.Add;
using Keel.Data.Cache;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Tests.Support;
using Keel.Storage.S3;
using Keel.Testing;
using static Keel.Data.Tests.Remote.TransferRepositories;

namespace Keel.Data.Tests.Remote;

/// <summary>
/// Push and pull with presigned URLs: against a real server whose data objects live in a fresh prefix of the S3 test
/// server, chunks move straight between the cache and S3 (the server's request log shows no chunk passing through it),
/// deltas still go through the server, and what readers get from the store is verified; against a local data object
/// store, or with <see cref="DataTransfer.Direct"/> off, everything goes through the server.
/// </summary>
public sealed class DirectDataTransferTests : IDisposable
{
    private const string ObjectRoute = "/api/keel/v1/data/objects/";
    private const string PresignRoute = "POST /api/keel/v1/data/objects/presign";

    private readonly TempDirectory _directory = new("keel-direct-transfer");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PushThenPull_OnS3_ChunksBypassTheServer_AndEveryByteComesBack()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var source = NewRepository("source");
        var files = new Dictionary<string, byte[]>
        {
            ["a.csv"] = TrackedDataBuilder.Text("x,y\n1,2\n" + Guid.NewGuid()),
            ["b.bin"] = TrackedDataBuilder.Random(300_000, 1),
            ["empty.txt"] = [],
        };
        TrackedDataBuilder.Folder(source, "folder", files);

        var pushed = await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "clone");
        var pulled = await new DataTransfer(client, clone.Cache).PullAsync(All(clone), ct: Ct);

        Assert.True(pushed.ObjectsSent >= 3);
        Assert.Equal(pushed.ObjectsSent, pushed.ObjectsDirect);
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("PUT " + ObjectRoute, StringComparison.Ordinal));
        var manifest = DataManifest.Parse(clone.Cache.ReadVerified(All(clone).Single().Spec.Manifest));
        foreach (var file in manifest.Files)
        {
            Assert.Equal(files[file.Path], Rebuild(clone.Cache, file));
        }
        var chunks = manifest.ChunkHashes().ToHashSet(StringComparer.Ordinal);
        Assert.Equal(chunks.Count, pulled.ObjectsDirect);
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET " + ObjectRoute, StringComparison.Ordinal) && chunks.Contains(r[(r.LastIndexOf('/') + 1)..]));
    }

    [Fact]
    public async Task PushAndPull_DirectOff_GoThroughTheServerAndAskForNoUrls()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var source = NewRepository("proxied");
        TrackedDataBuilder.File(source, "data.bin", TrackedDataBuilder.Random(50_000, 2));

        var pushed = await new DataTransfer(client, source.Cache) { Direct = false }.PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "proxied-clone");
        var pulled = await new DataTransfer(client, clone.Cache) { Direct = false }.PullAsync(All(clone), ct: Ct);

        Assert.Equal(0, pushed.ObjectsDirect);
        Assert.Equal(0, pulled.ObjectsDirect);
        Assert.Equal(pushed.ObjectsSent, server.Requests.Count(r => r.StartsWith("PUT " + ObjectRoute, StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Requests, r => r.StartsWith(PresignRoute, StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(source.Root, "data.bin")), Rebuild(clone.Cache, SingleFile(clone)));
    }

    [Fact]
    public async Task PushAndPull_LocalDataObjectStore_LearnTheRefusalOnceAndUseTheServer()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: false);
        using var client = Client(server);
        var source = NewRepository("local");
        TrackedDataBuilder.File(source, "one.bin", TrackedDataBuilder.Random(20_000, 3));
        TrackedDataBuilder.File(source, "two.bin", TrackedDataBuilder.Random(20_000, 4));

        var pushed = await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "local-clone");
        var pulled = await new DataTransfer(client, clone.Cache).PullAsync(All(clone), ct: Ct);

        Assert.Equal(0, pushed.ObjectsDirect + pulled.ObjectsDirect);
        Assert.Single(server.Requests, r => r.StartsWith(PresignRoute, StringComparison.Ordinal));
        Assert.Equal(pushed.ObjectsSent, pulled.ObjectsReceived);
    }

    [Fact]
    public async Task Pull_ChunkOverwrittenInTheStoreWithOtherBytes_IsRefusedAsCorrupt_AndNothingEntersTheCache()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var source = NewRepository("tampered");
        TrackedDataBuilder.File(source, "data.bin", TrackedDataBuilder.Random(40_000, 5));
        await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var chunk = SingleFile(source).Chunks[0].Hash;
        // A client holding an upload URL can write anything: readers must catch it.
        var url = (await client.PresignDataObjectUploadsAsync([chunk], Ct))![chunk];
        await client.UploadDataObjectDirectAsync(url, TrackedDataBuilder.Random(40_000, 6), Ct);

        var clone = CloneOf(source, "tampered-clone");
        var error = await Assert.ThrowsAsync<CorruptObjectException>(() => new DataTransfer(client, clone.Cache).PullAsync(All(clone), ct: Ct));

        Assert.Contains(chunk, error.Message, StringComparison.Ordinal);
        Assert.Contains("data.bin", error.Message, StringComparison.Ordinal);
        Assert.False(clone.Cache.Contains(chunk));
    }

    [Fact]
    public async Task Pull_ChunkMissingFromTheStore_NamesTheObjectAndItsFile()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var source = NewRepository("lost");
        TrackedDataBuilder.File(source, "lost.bin", TrackedDataBuilder.Random(10_000, 7));
        await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var chunk = SingleFile(source).Chunks[0].Hash;
        using (var store = new S3ArtifactStore(server.Bucket.Options(server.Bucket.Location.DataObjectsDestination())))
        {
            await store.DeleteAsync(Core.Artifacts.ArtifactPath.Parse(chunk[..2] + "/" + chunk, "path"), Ct);
        }

        var clone = CloneOf(source, "lost-clone");
        var error = await Assert.ThrowsAsync<Core.Common.KeelException>(() => new DataTransfer(client, clone.Cache).PullAsync(All(clone), ct: Ct));

        Assert.Equal(Core.Common.ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Contains(chunk, error.Message, StringComparison.Ordinal);
        Assert.Contains("lost.bin", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PushOfASecondVersion_SendsDeltasThroughTheServer_AndTheRestDirect_AndAnEmptyCachePullsItWhole()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        using var client = Client(server);
        var source = NewRepository("versions");
        var options = new DataAddOptions { Chunker = ChunkerOptions.ForAverage(16 * 1024) };
        var v1 = EditedCsv.Table(200_000, seed: Random.Shared.Next());
        AddVersion(source, v1, options);
        await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var v2 = EditedCsv.Edit(v1, 8, seed: 13);
        var second = AddVersion(source, v2, options);
        var deltas = second.ChunkHashes().Where(h => source.Cache.ReadHeader(h) is { Kind: StoredObjectKind.Delta }).ToArray();

        var pushed = await new DataTransfer(client, source.Cache).PushAsync(All(source), ct: Ct);
        var clone = CloneOf(source, "versions-clone");
        await new DataTransfer(client, clone.Cache).PullAsync(All(clone), ct: Ct);

        Assert.NotEmpty(deltas);
        Assert.Equal(pushed.ObjectsSent - deltas.Length, pushed.ObjectsDirect);
        Assert.All(deltas, d => Assert.Contains("PUT " + ObjectRoute + d, server.Requests));
        Assert.Equal(v2, Rebuild(clone.Cache, second.Files[0]));
    }

    // No retries: a refusal must show at once, not be retried away.
    private static KeelClient Client(RecordingArtifactServer server) => new(new KeelClientOptions { TrackingUri = server.BaseAddress, MaxRetries = 0 });

    private DataRepository NewRepository(string name)
    {
        Directory.CreateDirectory(Path.Combine(_directory.Path, name, DataRepository.KeelFolder));
        return DataRepository.Open(Path.Combine(_directory.Path, name));
    }

    private DataRepository CloneOf(DataRepository source, string name) => CopyPointers(source, NewRepository(name));

    private static ManifestFile SingleFile(DataRepository repository) =>
        DataManifest.Parse(repository.Cache.ReadVerified(All(repository).Single().Spec.Manifest)).Files.Single();
}
