using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Diff;

namespace Keel.Data.Tests.Diff;

public sealed class DataDiffTests
{
    private static readonly string H1 = ContentHash.Of([1]);
    private static readonly string H2 = ContentHash.Of([2]);
    private static readonly string H3 = ContentHash.Of([3]);
    private static readonly string H4 = ContentHash.Of([4]);

    private static ManifestFile File(string path, params (string Hash, long Size)[] chunks) =>
        new(path, chunks.Sum(c => c.Size), chunks.Select(c => new ChunkRef(c.Hash, c.Size)).ToArray());

    [Fact]
    public void Compare_TwoVersions_ListsAddedRemovedAndModifiedByPath()
    {
        var a = new DataManifest(true, [File("same.txt", (H1, 10)), File("gone.txt", (H2, 5)), File("grown.csv", (H1, 10), (H2, 5))]);
        var b = new DataManifest(true, [File("same.txt", (H1, 10)), File("new/file.txt", (H4, 7)), File("grown.csv", (H1, 10), (H3, 8))]);

        var diff = DataDiff.Compare(a, b);

        Assert.Equal(
            [
                new FileChange("gone.txt", FileChangeKind.Removed, new FileVersion(5, 1), null, 0),
                new FileChange("grown.csv", FileChangeKind.Modified, new FileVersion(15, 2), new FileVersion(18, 2), 10),
                new FileChange("new/file.txt", FileChangeKind.Added, null, new FileVersion(7, 1), 0),
            ],
            diff.Changes);
        Assert.Equal(1, diff.UnchangedFiles);
        Assert.Equal(10, diff.UnchangedBytes);
        Assert.Equal(15, diff.NewChunkBytes);
    }

    [Fact]
    public void Compare_SameManifest_IsEmpty()
    {
        var a = new DataManifest(true, [File("x", (H1, 3)), File("empty")]);

        var diff = DataDiff.Compare(a, a);

        Assert.True(diff.IsEmpty);
        Assert.Equal(2, diff.UnchangedFiles);
        Assert.Equal(0, diff.NewChunkBytes);
    }

    [Fact]
    public void Compare_RepeatedChunk_SharesItsBytesOnlyAsOftenAsTheOldVersionHasIt()
    {
        var a = new DataManifest(false, [File("t.bin", (H1, 4), (H2, 4))]);
        var b = new DataManifest(false, [File("t.bin", (H1, 4), (H1, 4), (H2, 4))]);

        var change = Assert.Single(DataDiff.Compare(a, b).Changes);

        Assert.Equal(8, change.SharedBytes);
        Assert.Equal(0, DataDiff.Compare(a, b).NewChunkBytes);
    }

    [Fact]
    public void Compare_RenamedSingleFile_IsOneModifiedFileUnderTheNewName()
    {
        var a = new DataManifest(false, [File("v1.csv", (H1, 4))]);
        var b = new DataManifest(false, [File("v2.csv", (H1, 4), (H3, 2))]);

        var change = Assert.Single(DataDiff.Compare(a, b).Changes);

        Assert.Equal(new FileChange("v2.csv", FileChangeKind.Modified, new FileVersion(4, 1), new FileVersion(6, 2), 4), change);
    }

    [Fact]
    public void Compare_FolderAgainstSingleFile_ComparesPaths()
    {
        var a = new DataManifest(true, [File("x.csv", (H1, 4))]);
        var b = new DataManifest(false, [File("y.csv", (H1, 4))]);

        var diff = DataDiff.Compare(a, b);

        Assert.Equal([FileChangeKind.Removed, FileChangeKind.Added], diff.Changes.Select(c => c.Kind).OrderDescending());
    }
}
