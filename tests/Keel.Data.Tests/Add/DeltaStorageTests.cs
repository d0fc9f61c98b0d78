using Keel.Core.Common;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Core.Data.Storage;
using Keel.Data.Add;
using Keel.Data.Cache;
using Keel.Data.Checkout;
using Keel.Data.Gc;
using Keel.Data.Tests.Support;

namespace Keel.Data.Tests.Add;

/// <summary>Re-adding an edited file stores its changed chunks compressed and as deltas of the previous version's chunks.</summary>
public sealed class DeltaStorageTests : IDisposable
{
    private static readonly DataAddOptions Options = new() { Chunker = ChunkerOptions.ForAverage(64 * 1024) };

    private readonly TestRepository _repo = new();

    public void Dispose() => _repo.Dispose();

    private LocalObjectCache Cache => _repo.Repository.Cache;

    private string AddVersion(byte[] content)
    {
        _repo.Write("data/table.csv", content);
        return Assert.Single(_repo.Add(Options, "data/table.csv")).ManifestHash;
    }

    private ManifestFile FileOf(string manifest) => Assert.Single(_repo.ReadManifest(manifest).Files);

    private long StoredBytes() => Cache.EnumerateHashes().Sum(h => Cache.SizeOf(h) ?? 0);

    [Fact]
    public void Add_ThirtyEditsInAMebibyte_StoresTheChangedChunksAsSmallDeltasAndRestoresBothVersions()
    {
        var v1 = EditedCsv.Table(1 << 20, seed: 1);
        var first = AddVersion(v1);
        var afterFirst = StoredBytes();
        var v2 = EditedCsv.Edit(v1, edits: 30, seed: 2);

        var second = AddVersion(v2);

        Assert.True(afterFirst < v1.Length / 2, $"version 1 compressed to {afterFirst} bytes");
        var grown = StoredBytes() - afterFirst;
        Assert.True(grown < 32 * 1024, $"version 2 added {grown} bytes");
        var changed = FileOf(second).Chunks.Select(c => c.Hash).Except(FileOf(first).Chunks.Select(c => c.Hash)).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, h => Assert.Equal(StoredObjectKind.Delta, Cache.ReadHeader(h)?.Kind));
        Assert.Equal(v1, _repo.Restore(FileOf(first)));
        Assert.Equal(v2, _repo.Restore(FileOf(second)));
    }

    [Fact]
    public void Add_TwelveVersions_KeepsEveryChainWithinTheDepthLimitAndEveryVersionRestorable()
    {
        var versions = new List<(byte[] Content, string Manifest)>();
        var content = EditedCsv.Table(128 * 1024, seed: 3);
        for (var version = 1; version <= 12; version++)
        {
            content = version == 1 ? content : EditedCsv.Edit(content, edits: 40, seed: version);
            versions.Add((content, AddVersion(content)));
        }

        var depths = Cache.EnumerateHashes().Select(h => Cache.ReadHeader(h)?.Depth ?? 0).ToArray();

        Assert.Equal(StoredObjectHeader.MaxChainDepth, depths.Max());
        Assert.All(versions, v => Assert.Equal(v.Content, _repo.Restore(FileOf(v.Manifest))));
        // Every chunk changed in every version: versions 2–9 sit at depths 1–8, and version 10, past the limit, is a
        // delta of its chain's full root (depth 1) rather than stored whole; 11 and 12 build on it.
        int[] Depths(int version) => [.. FileOf(versions[version - 1].Manifest).Chunks.Select(c => Cache.ReadHeader(c.Hash)?.Depth ?? 0).Distinct()];
        Assert.Equal([8], Depths(9));
        Assert.Equal([1], Depths(10));
        Assert.Equal([3], Depths(12));
    }

    [Fact]
    public void Read_FlippedByteInADelta_IsReportedNamingTheChunk()
    {
        var (_, delta, _) = TwoVersions();
        DataTree.FlipByte(Cache.PathOf(delta), offset: (int)Cache.SizeOf(delta)! - 2);

        var error = Assert.Throws<CorruptObjectException>(() => Cache.ReadVerified(delta));

        Assert.Equal(delta, error.Hash);
        Assert.Contains(Cache.PathOf(delta), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FlippedByteInTheBase_IsReportedNamingBothFiles()
    {
        var (baseHash, delta, _) = TwoVersions();
        DataTree.FlipByte(Cache.PathOf(baseHash), offset: (int)Cache.SizeOf(baseHash)! / 2);

        var error = Assert.Throws<CorruptObjectException>(() => Cache.ReadVerified(delta));

        Assert.Equal(baseHash, error.Hash);
        Assert.Contains(Cache.PathOf(baseHash), error.Message, StringComparison.Ordinal);
        Assert.Contains(Cache.PathOf(delta), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Checkout_CorruptDeltaOrBase_FailsNamingTheFileAndLeavesTheOldContent(bool inBase)
    {
        var (baseHash, delta, _) = TwoVersions();
        var damaged = inBase ? baseHash : delta;
        DataTree.FlipByte(Cache.PathOf(damaged), offset: (int)Cache.SizeOf(damaged)! / 2);
        File.WriteAllText(_repo.PathOf("data/table.csv"), "old content");

        var error = Assert.Throws<KeelException>(() => new DataCheckout(_repo.Repository).Run([], _repo.Root, force: true, ct: TestContext.Current.CancellationToken));

        Assert.StartsWith($"Cannot read 'data/table.csv': its chunk {delta} is corrupt in the local cache", error.Message, StringComparison.Ordinal);
        Assert.Contains(Cache.PathOf(damaged), error.Message, StringComparison.Ordinal);
        Assert.Equal("old content", File.ReadAllText(_repo.PathOf("data/table.csv")));
    }

    [Fact]
    public void Read_DeltaWhoseBaseWasDeleted_IsCorruptNotMissing()
    {
        var (baseHash, delta, _) = TwoVersions();
        Cache.Delete(baseHash);

        var error = Assert.Throws<CorruptObjectException>(() => Cache.ReadVerified(delta));

        Assert.Contains($"based on {baseHash}, which is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_KeepsTheOldChunksLiveDeltasAreBasedOn()
    {
        var (baseHash, delta, v2) = TwoVersions();
        foreach (var hash in Cache.EnumerateHashes())
        {
            File.SetLastWriteTimeUtc(Cache.PathOf(hash), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        var report = new DataGc(_repo.Repository, TimeProvider.System).Run(new GcOptions(), TestContext.Current.CancellationToken);

        Assert.NotEmpty(report.Removed);
        Assert.DoesNotContain(report.Removed, o => o.Hash == baseHash);
        Assert.True(Cache.Contains(baseHash));
        Assert.Equal(v2, _repo.Restore(FileOf(_repo.ReadPointer("data/table.csv.keel").Manifest)));
        Assert.NotNull(Cache.ReadVerified(delta));
    }

    [Fact]
    public void Add_PreviousVersionsChunksMissing_StoresInFullInstead()
    {
        var v1 = EditedCsv.Table(256 * 1024, seed: 6);
        var first = AddVersion(v1);
        foreach (var chunk in FileOf(first).Chunks)
        {
            Cache.Delete(chunk.Hash);
        }

        var second = AddVersion(EditedCsv.Edit(v1, 10, seed: 7));

        Assert.All(FileOf(second).Chunks, c => Assert.NotEqual(StoredObjectKind.Delta, Cache.ReadHeader(c.Hash)?.Kind));
    }

    [Fact]
    public void ReadVerified_PlainObjectWrittenByAnOlderKeel_IsRead()
    {
        var content = EditedCsv.Table(10_000, seed: 8);
        var hash = Keel.Core.Data.ContentHash.Of(content);
        Directory.CreateDirectory(Path.GetDirectoryName(Cache.PathOf(hash))!);
        File.WriteAllBytes(Cache.PathOf(hash), content);

        Assert.Equal(content, Cache.ReadVerified(hash));
        Assert.Null(Cache.ReadHeader(hash));
    }

    /// <summary>Two versions of a table; returns a changed chunk of the second (stored as a delta), its base and the second version.</summary>
    private (string Base, string Delta, byte[] V2) TwoVersions()
    {
        var v1 = EditedCsv.Table(256 * 1024, seed: 4);
        AddVersion(v1);
        var v2 = EditedCsv.Edit(v1, 10, seed: 5);
        var second = AddVersion(v2);
        var delta = FileOf(second).Chunks.Select(c => c.Hash).First(h => Cache.ReadHeader(h)?.Kind == StoredObjectKind.Delta);
        return (Cache.ReadHeader(delta)!.Value.BaseHash!, delta, v2);
    }
}
