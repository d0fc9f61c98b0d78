using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Data.Add;
using Keel.Data.StatCache;

namespace Keel.Data.Tests.Add;

public sealed class DataAdderTests : IDisposable
{
    private readonly TestRepository _repo = new();

    [Fact]
    public void Add_SingleFile_WritesPointerManifestChunksAndGitIgnore()
    {
        var content = Bytes(50_000, seed: 1);
        _repo.Write("data/train.csv", content);

        var result = Assert.Single(_repo.Add("data/train.csv"));

        Assert.Equal(_repo.PathOf("data/train.csv.keel"), result.PointerPath);
        Assert.Equal("data/train.csv", result.RelativePath);
        Assert.Equal((50_000L, 1L, 50_000L, 0L), (result.Size, result.FileCount, result.BytesHashed, result.BytesReused));
        var pointer = _repo.ReadPointer("data/train.csv.keel");
        Assert.Equal(new DataPointer("train.csv", false, result.ManifestHash, 50_000, 1), pointer);
        var manifest = _repo.ReadManifest(result.ManifestHash);
        Assert.False(manifest.IsDirectory);
        var file = Assert.Single(manifest.Files);
        Assert.Equal("train.csv", file.Path);
        Assert.True(file.Chunks.Count > 10, "small chunks split 50 KB many times");
        Assert.Equal(file.Chunks.Select(c => c.Hash).Distinct().Count(), (int)result.NewChunks);
        Assert.Equal(content, _repo.Restore(file));
        Assert.Equal("/train.csv\n", File.ReadAllText(_repo.PathOf("data/.gitignore")));
    }

    [Fact]
    public void Add_Folder_ListsNestedFilesWithSlashPathsAndSkipsPointersLinksAndGit()
    {
        _repo.Write("set/a.txt", "alpha");
        _repo.Write("set/sub/deeper/b.bin", Bytes(9000, seed: 2));
        _repo.Write("set/empty", []);
        _repo.Write("set/ünïcødé 名前.txt", "unicode");
        _repo.Write("set/.hidden", "dot files are data");
        _repo.Write("set/other.keel", "a pointer file is never data");
        _repo.Write("set/.git/config", "git's folder is never data");
        _repo.Write("set/sub/.keel/x", "Keel's folder is never data");
        File.CreateSymbolicLink(_repo.PathOf("set/link.txt"), _repo.PathOf("set/a.txt"));
        Directory.CreateSymbolicLink(_repo.PathOf("set/linked-folder"), _repo.PathOf("set/sub"));

        var result = Assert.Single(_repo.Add("set"));

        var manifest = _repo.ReadManifest(result.ManifestHash);
        Assert.True(manifest.IsDirectory);
        Assert.Equal([".hidden", "a.txt", "empty", "sub/deeper/b.bin", "ünïcødé 名前.txt"], manifest.Files.Select(f => f.Path));
        Assert.Empty(manifest.Files.Single(f => f.Path == "empty").Chunks);
        Assert.Equal("alpha"u8.ToArray(), _repo.Restore(manifest.Files.Single(f => f.Path == "a.txt")));
        Assert.Equal(new DataPointer("set", true, result.ManifestHash, manifest.TotalSize, 5), _repo.ReadPointer("set.keel"));
        Assert.Equal("/set\n", File.ReadAllText(_repo.PathOf(".gitignore")));
    }

    [Fact]
    public void Add_EmptyFolder_IsAnEmptyManifest()
    {
        Directory.CreateDirectory(_repo.PathOf("nothing"));

        var result = Assert.Single(_repo.Add("nothing"));

        Assert.Equal((0L, 0L), (result.Size, result.FileCount));
        Assert.Empty(_repo.ReadManifest(result.ManifestHash).Files);
    }

    [Fact]
    public void Add_Twice_ReadsNothingAndChangesNothing()
    {
        _repo.Write("set/a.bin", Bytes(20_000, seed: 3));
        _repo.Write("set/b.bin", Bytes(30_000, seed: 4));
        File.WriteAllText(_repo.PathOf(".gitignore"), "*.log");
        var first = Assert.Single(_repo.Add("set"));
        var objects = _repo.CachedObjectCount;

        var second = Assert.Single(_repo.Add("set"));

        Assert.Equal(first.ManifestHash, second.ManifestHash);
        Assert.Equal((0L, 50_000L, 0L), (second.BytesHashed, second.BytesReused, second.NewChunks));
        Assert.Equal(objects, _repo.CachedObjectCount);
        Assert.Equal("*.log\n/set\n", File.ReadAllText(_repo.PathOf(".gitignore")));
    }

    [Fact]
    public void Add_AfterOneFileChanged_HashesOnlyThatFile()
    {
        _repo.Write("set/same.bin", Bytes(20_000, seed: 5));
        _repo.Write("set/grows.bin", Bytes(10_000, seed: 6));
        var first = Assert.Single(_repo.Add("set"));
        File.AppendAllText(_repo.PathOf("set/grows.bin"), "more rows");

        var second = Assert.Single(_repo.Add("set"));

        Assert.NotEqual(first.ManifestHash, second.ManifestHash);
        Assert.Equal((10_009L, 20_000L), (second.BytesHashed, second.BytesReused));
        Assert.InRange(second.NewChunks, 1, 3);
    }

    [Fact]
    public void Add_SameSizeEditWithNewTime_IsHashedAgain()
    {
        var path = _repo.Write("a.txt", "version one");
        var first = Assert.Single(_repo.Add("a.txt"));
        File.WriteAllText(path, "version two");
        TestRepository.Backdate(path, minutes: 30);

        var second = Assert.Single(_repo.Add("a.txt"));

        Assert.Equal(11, second.BytesHashed);
        Assert.NotEqual(first.ManifestHash, second.ManifestHash);
        Assert.Equal("version two"u8.ToArray(), _repo.Restore(_repo.ReadManifest(second.ManifestHash).Files[0]));
    }

    [Fact]
    public void Add_LargeFileEditedNearTheStart_StoresOnlyTheFirstChunksAgain()
    {
        var original = Bytes(3 << 20, seed: 7);
        var path = _repo.Write("big.bin", original);
        var options = new DataAddOptions { Chunker = new ChunkerOptions(4096, 16384, 65536) };
        var first = Assert.Single(_repo.Add(options, "big.bin"));
        File.WriteAllBytes(path, [.. original[..1000], .. "inserted"u8, .. original[1000..]]);

        var second = Assert.Single(_repo.Add(options, "big.bin"));

        Assert.True(first.NewChunks > 100);
        Assert.InRange(second.NewChunks, 1, 2);
        Assert.InRange(second.NewChunkBytes, 1, 2 * 65536);
    }

    [Fact]
    public void Add_WithOneWorker_GivesTheSameManifestAsWithMany()
    {
        for (var i = 0; i < 20; i++)
        {
            _repo.Write($"set/f{i}.bin", Bytes(1000 * (i + 1), seed: (ulong)i));
        }
        var many = Assert.Single(_repo.Add(new DataAddOptions { Chunker = TestRepository.SmallChunks, MaxDegreeOfParallelism = 8 }, "set"));
        File.Delete(_repo.PathOf(".keel/cache/" + FileStatCache.FileName));

        var one = Assert.Single(_repo.Add(new DataAddOptions { Chunker = TestRepository.SmallChunks, MaxDegreeOfParallelism = 1 }, "set"));

        Assert.Equal(many.ManifestHash, one.ManifestHash);
        Assert.Equal(many.Size, one.BytesHashed);
    }

    [Fact]
    public void Add_SeveralPaths_ReportsProgressUpToTheTotal()
    {
        _repo.Write("a.bin", Bytes(40_000, seed: 8));
        _repo.Write("b/c.bin", Bytes(25_000, seed: 9));
        var reports = new List<DataAddProgress>();
        var progress = new SynchronousProgress(reports);

        var results = new DataAdder(_repo.Repository, new DataAddOptions { Chunker = TestRepository.SmallChunks }).Add(["a.bin", "b"], _repo.Root, progress);

        Assert.Equal(["a.bin", "b"], results.Select(r => r.RelativePath));
        Assert.All(reports, r => Assert.Equal(65_000, r.TotalBytes));
        Assert.Equal(65_000, reports.Max(r => r.BytesDone));
    }

    [Fact]
    public void Add_DatasetName_IsWrittenAndKeptWhenReaddedWithoutOne()
    {
        _repo.Write("train.csv", "a,b\n1,2\n");
        _repo.Add(new DataAddOptions { Dataset = "breast-cancer" }, "train.csv");

        _repo.Add("train.csv");

        Assert.Equal("breast-cancer", _repo.ReadPointer("train.csv.keel").Dataset);
    }

    [Fact]
    public void Add_StatCacheNamesAChunkNoLongerCached_HashesTheFileAgain()
    {
        _repo.Write("a.bin", Bytes(5000, seed: 10));
        var first = Assert.Single(_repo.Add("a.bin"));
        var chunk = _repo.ReadManifest(first.ManifestHash).Files[0].Chunks[0].Hash;
        _repo.Repository.Cache.Delete(chunk);

        var second = Assert.Single(_repo.Add("a.bin"));

        Assert.Equal(5000, second.BytesHashed);
        Assert.True(_repo.Repository.Cache.Contains(chunk));
    }

    [Fact]
    public void Add_CorruptStatCache_IsIgnoredAndRebuilt()
    {
        _repo.Write("a.bin", Bytes(5000, seed: 11));
        _repo.Add("a.bin");
        var statCache = _repo.PathOf(".keel/cache/" + FileStatCache.FileName);
        File.WriteAllText(statCache, "not a stat cache");

        var again = Assert.Single(_repo.Add("a.bin"));
        var third = Assert.Single(_repo.Add("a.bin"));

        Assert.Equal(5000, again.BytesHashed);
        Assert.Equal(0, third.BytesHashed);
    }

    public void Dispose() => _repo.Dispose();

    private static byte[] Bytes(int length, ulong seed)
    {
        var bytes = new byte[length];
        new Random((int)seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Records reports on the reporting thread, unlike <see cref="Progress{T}"/> which posts them later.</summary>
    private sealed class SynchronousProgress(List<DataAddProgress> reports) : IProgress<DataAddProgress>
    {
        public void Report(DataAddProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
