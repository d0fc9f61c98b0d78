using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Gc;
using Keel.Data.Tests.Support;

namespace Keel.Data.Tests.Gc;

public sealed class DataGcTests : IDisposable
{
    private readonly TempRepository _repo = new();

    public void Dispose() => _repo.Dispose();

    private GcReport Run(GcOptions? options = null) =>
        new DataGc(_repo.Repository, TimeProvider.System).Run(options ?? new GcOptions(), TestContext.Current.CancellationToken);

    private DataPointer Track(string name, byte[] bytes)
    {
        File.WriteAllBytes(_repo.PathOf(name), bytes);
        return FixedChunkTracker.Track(_repo.Repository, _repo.PathOf(name));
    }

    // Objects older than the grace period, as they would be an hour after 'keel data add'.
    private void AgeCache()
    {
        foreach (var hash in _repo.Repository.Cache.EnumerateHashes())
        {
            File.SetLastWriteTimeUtc(_repo.Repository.Cache.PathOf(hash), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }
    }

    private HashSet<string> Objects() => [.. _repo.Repository.Cache.EnumerateHashes()];

    private HashSet<string> ObjectsOf(DataPointer pointer) =>
        [pointer.Manifest, .. DataManifest.Parse(_repo.Repository.Cache.ReadVerified(pointer.Manifest)).ChunkHashes()];

    private long BytesOf(IEnumerable<string> hashes) => hashes.Sum(h => _repo.Repository.Cache.SizeOf(h) ?? 0);

    [Fact]
    public void Run_KeepsReferencedAndDropsUnreferenced()
    {
        var kept = Track("kept.bin", DataTree.Random(FixedChunkTracker.ChunkSize * 2, seed: 1));
        var dropped = Track("dropped.bin", DataTree.Random(FixedChunkTracker.ChunkSize + 10, seed: 2));
        var droppedObjects = ObjectsOf(dropped);
        var droppedBytes = BytesOf(droppedObjects);
        File.Delete(_repo.PathOf("dropped.bin.keel"));
        AgeCache();

        var report = Run();

        Assert.Equal(ObjectsOf(kept), Objects());
        Assert.Equal(droppedObjects.Order(StringComparer.Ordinal), report.Removed.Select(o => o.Hash));
        Assert.Equal(droppedBytes, report.RemovedBytes);
        Assert.Equal([kept.Manifest], report.ReferencedManifests);
        Assert.Equal(3, report.KeptObjects);
        Assert.False(report.DryRun);
    }

    [Fact]
    public void Run_SharedChunk_StaysWhileAnyPointerNeedsIt()
    {
        var shared = DataTree.Random(FixedChunkTracker.ChunkSize, seed: 3);
        Track("one.bin", shared);
        var two = Track("two.bin", [.. shared, 1, 2, 3]);
        File.Delete(_repo.PathOf("one.bin.keel"));
        AgeCache();

        Run();

        Assert.Equal(ObjectsOf(two), Objects());
    }

    [Fact]
    public void Run_DryRun_ListsButDeletesNothing()
    {
        Track("dropped.bin", [1, 2, 3]);
        File.Delete(_repo.PathOf("dropped.bin.keel"));
        AgeCache();
        var before = Objects();

        var report = Run(new GcOptions { DryRun = true });

        Assert.True(report.DryRun);
        Assert.Equal(before.Order(StringComparer.Ordinal), report.Removed.Select(o => o.Hash));
        Assert.Equal(before, Objects());
    }

    [Fact]
    public void Run_KeepHash_KeepsThatVersion()
    {
        var old = Track("data.bin", [1, 2, 3]);
        var current = Track("data.bin", [4, 5, 6]);
        AgeCache();

        var report = Run(new GcOptions { Keep = [old.Manifest] });

        Assert.Equal([.. ObjectsOf(old), .. ObjectsOf(current)], Objects());
        Assert.Empty(report.Removed);
    }

    [Fact]
    public void Run_RecentObjects_AreKeptWithinTheGracePeriod()
    {
        Track("fresh.bin", [1, 2, 3]);
        File.Delete(_repo.PathOf("fresh.bin.keel"));
        var before = Objects();

        var report = Run();

        Assert.Equal(before, Objects());
        Assert.Equal(2, report.RecentObjects);
        Assert.Empty(report.Removed);
    }

    [Fact]
    public void Run_MalformedPointer_AbortsWithoutDeleting()
    {
        Track("dropped.bin", [1, 2, 3]);
        File.Delete(_repo.PathOf("dropped.bin.keel"));
        File.WriteAllText(_repo.PathOf("broken.csv.keel"), "keel_data: 1\npath: broken.csv\nkind: file\nmanifest: 12ab\n");
        AgeCache();
        var before = Objects();

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Contains("broken.csv.keel", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Objects());
    }

    [Fact]
    public void Run_ReferencedManifestMissing_AbortsNamingIt()
    {
        var gone = Track("gone.bin", [1, 2, 3]);
        Track("dropped.bin", [4, 5, 6]);
        File.Delete(_repo.PathOf("dropped.bin.keel"));
        _repo.Repository.Cache.Delete(gone.Manifest);
        AgeCache();
        var before = Objects();

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Contains($"Manifest {gone.Manifest} of pointer file 'gone.bin.keel' is not in the local cache", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was removed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Objects());
    }

    [Fact]
    public void Run_KeepHashNotInCache_Aborts()
    {
        var hash = ContentHash.Of([7]);

        var error = Assert.Throws<KeelException>(() => Run(new GcOptions { Keep = [hash] }));

        Assert.Contains($"Manifest {hash} of --keep {hash} is not in the local cache", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_KeepNotAHash_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => Run(new GcOptions { Keep = ["nope"] }));

        Assert.Contains("'--keep'", error.Message, StringComparison.Ordinal);
    }
}
