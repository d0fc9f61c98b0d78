using Keel.Data.Status;
using Keel.Data.Tests.Add;

namespace Keel.Data.Tests.StatCache;

/// <summary>The stat cache's promise: an unchanged tree of 10,000 files is re-added and checked without reading it. (How fast is the data-status benchmark's business, not a test's.)</summary>
public sealed class UnchangedTreeTests : IDisposable
{
    private const int FileCount = 10_000;

    private readonly TestRepository _repo = new();

    [Fact]
    public void AddAndStatus_UnchangedTreeOf10000Files_ReadNoContent()
    {
        for (var i = 0; i < FileCount; i++)
        {
            // A hundred distinct contents keep the cache small; the stat cache is what is measured.
            var path = _repo.PathOf($"tree/d{i % 50:00}/f{i:00000}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"row {i % 100}\n");
        }
        var first = Assert.Single(_repo.Add("tree"));
        Assert.Equal(FileCount, first.FileCount);

        var again = Assert.Single(_repo.Add("tree"));
        var checker = new DataStatusChecker(_repo.Repository);
        var cold = checker.Check([], _repo.Root);
        var warm = checker.Check([], _repo.Root);

        Assert.Equal(first.ManifestHash, again.ManifestHash);
        Assert.Equal((0L, first.Size), (again.BytesHashed, again.BytesReused));
        Assert.True(cold.IsClean && warm.IsClean);
        Assert.Equal((0L, 0L), (cold.BytesRead, warm.BytesRead));
    }

    public void Dispose() => _repo.Dispose();
}
