using System.Text;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Checkout;
using Keel.Data.Tests.Support;

namespace Keel.Data.Tests.Checkout;

public sealed class DataCheckoutTests : IDisposable
{
    private readonly TempRepository _repo = new();

    private string Data => _repo.PathOf("data");

    public void Dispose() => _repo.Dispose();

    private DataCheckout Checkout => new(_repo.Repository);

    private CheckoutResult Run(bool force = false, params string[] targets) => Checkout.Run(targets, _repo.Root, force, ct: TestContext.Current.CancellationToken);

    private DataPointer TrackSample()
    {
        DataTree.WriteSample(Data);
        return FixedChunkTracker.Track(_repo.Repository, Data);
    }

    [Fact]
    public void Run_DeletedWorkingCopy_RestoresByteIdenticalTree()
    {
        TrackSample();
        File.WriteAllText(_repo.PathOf("notes.txt"), "a single tracked file");
        FixedChunkTracker.Track(_repo.Repository, _repo.PathOf("notes.txt"));
        var before = DataTree.Snapshot(Data);
        Directory.Delete(Data, recursive: true);
        File.Delete(_repo.PathOf("notes.txt"));

        var result = Run();

        Assert.Equal(before, DataTree.Snapshot(Data));
        Assert.Equal("a single tracked file", File.ReadAllText(_repo.PathOf("notes.txt")));
        Assert.Equal(6, result.RestoredFiles);
        Assert.All(result.Entries, e => Assert.Equal(CheckoutChange.Created, e.Change));
        Assert.Contains(result.Entries, e => e.Path == "data/日本語/ファイル.txt");
        Assert.Equal(new FileInfo(_repo.PathOf("data/big.bin")).Length + 21 + 8 + 11 + 15, result.RestoredBytes);
    }

    [Fact]
    public void Run_UnchangedTree_RewritesNothing()
    {
        TrackSample();
        var big = _repo.PathOf("data/big.bin");
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(big, stamp);

        var result = Run();

        Assert.Equal(5, result.UnchangedFiles);
        Assert.Equal(0, result.RestoredFiles);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(big));
    }

    [Fact]
    public void Run_OneTarget_LeavesOtherTrackedDataAlone()
    {
        TrackSample();
        File.WriteAllText(_repo.PathOf("other.txt"), "other");
        FixedChunkTracker.Track(_repo.Repository, _repo.PathOf("other.txt"));
        File.Delete(_repo.PathOf("other.txt"));
        File.Delete(_repo.PathOf("data/empty.txt"));

        var result = Run(false, "data");

        Assert.True(File.Exists(_repo.PathOf("data/empty.txt")));
        Assert.False(File.Exists(_repo.PathOf("other.txt")));
        Assert.Equal("data/empty.txt", Assert.Single(result.Entries, e => e.Change == CheckoutChange.Created).Path);
    }

    [Fact]
    public void Run_ModifiedFileNotInCache_RefusesWithoutChangingAnything()
    {
        TrackSample();
        File.Delete(_repo.PathOf("data/empty.txt"));
        File.WriteAllText(_repo.PathOf("data/a/b/c/deep.csv"), "x,y\n9,9\n");

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("'data/a/b/c/deep.csv' was modified and that content is not in the cache", error.Message, StringComparison.Ordinal);
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal("x,y\n9,9\n", File.ReadAllText(_repo.PathOf("data/a/b/c/deep.csv")));
        Assert.False(File.Exists(_repo.PathOf("data/empty.txt")));
    }

    [Fact]
    public void Run_ModifiedFileNotInCacheWithForce_Overwrites()
    {
        TrackSample();
        File.WriteAllText(_repo.PathOf("data/a/b/c/deep.csv"), "x,y\n9,9\n");

        var result = Run(force: true);

        Assert.Equal("x,y\n1,2\n", File.ReadAllText(_repo.PathOf("data/a/b/c/deep.csv")));
        Assert.Equal(CheckoutChange.Overwritten, Assert.Single(result.Entries, e => e.Path == "data/a/b/c/deep.csv").Change);
    }

    [Fact]
    public void Run_ModifiedFileWhoseContentIsCached_OverwritesWithoutForce()
    {
        // Version 1 tracked, then version 2 tracked (both in the cache), then the pointer moved back as a git checkout would.
        File.WriteAllText(_repo.PathOf("train.csv"), "v1\n");
        FixedChunkTracker.Track(_repo.Repository, _repo.PathOf("train.csv"));
        var version1 = File.ReadAllText(_repo.PathOf("train.csv.keel"));
        File.WriteAllText(_repo.PathOf("train.csv"), "version 2\n");
        FixedChunkTracker.Track(_repo.Repository, _repo.PathOf("train.csv"));
        File.WriteAllText(_repo.PathOf("train.csv.keel"), version1);

        var result = Run();

        Assert.Equal("v1\n", File.ReadAllText(_repo.PathOf("train.csv")));
        Assert.Equal(CheckoutChange.Overwritten, Assert.Single(result.Entries).Change);
    }

    [Fact]
    public void Run_UntrackedFile_IsLeftAndListed()
    {
        TrackSample();
        DataTree.Write(Data, "extra/new.txt", [1, 2, 3]);

        var result = Run();

        Assert.True(File.Exists(_repo.PathOf("data/extra/new.txt")));
        var entry = Assert.Single(result.Entries, e => e.Change == CheckoutChange.Untracked);
        Assert.Equal(new CheckoutEntry("data/extra/new.txt", CheckoutChange.Untracked, 3), entry);
    }

    [Fact]
    public void Run_UntrackedFileWithForce_IsRemovedWithItsEmptiedFolder()
    {
        TrackSample();
        DataTree.Write(Data, "extra/new.txt", [1, 2, 3]);
        DataTree.Write(Data, "a/b/stray.txt", [4]);

        var result = Run(force: true);

        Assert.False(Directory.Exists(_repo.PathOf("data/extra")));
        Assert.False(File.Exists(_repo.PathOf("data/a/b/stray.txt")));
        Assert.True(File.Exists(_repo.PathOf("data/a/b/c/deep.csv")));
        Assert.Equal(2, result.RemovedFiles);
        Assert.Equal(4, result.RemovedBytes);
    }

    [Fact]
    public void Run_FileWhereFolderBelongs_RefusedWithoutForceAndReplacedWithIt()
    {
        TrackSample();
        Directory.Delete(_repo.PathOf("data/a"), recursive: true);
        File.WriteAllText(_repo.PathOf("data/a"), "in the way");

        var error = Assert.Throws<KeelException>(() => Run());
        Assert.Contains("'data/a' is a file where a tracked folder belongs", error.Message, StringComparison.Ordinal);
        Assert.Equal("in the way", File.ReadAllText(_repo.PathOf("data/a")));

        Run(force: true);
        Assert.Equal("x,y\n1,2\n", File.ReadAllText(_repo.PathOf("data/a/b/c/deep.csv")));
    }

    [Fact]
    public void Run_LinkInsideTrackedFolder_IsNeverWrittenThrough()
    {
        using var outside = new Keel.Testing.TempDirectory("keel-outside");
        TrackSample();
        Directory.Delete(_repo.PathOf("data/a"), recursive: true);
        Directory.CreateSymbolicLink(_repo.PathOf("data/a"), outside.Path);

        var error = Assert.Throws<KeelException>(() => Run());
        Assert.Contains("'data/a' is a symbolic link", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));

        Run(force: true);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
        Assert.Null(new DirectoryInfo(_repo.PathOf("data/a")).LinkTarget);
        Assert.True(File.Exists(_repo.PathOf("data/a/b/c/deep.csv")));
    }

    [Fact]
    public void Run_CorruptChunk_FailsNamingFileAndChunkAndLeavesTheOldFile()
    {
        TrackSample();
        var manifest = DataManifest.Parse(_repo.Repository.Cache.ReadVerified(_repo.Repository.ReadPointer(_repo.PathOf("data.keel")).Spec.Manifest));
        var big = manifest.Files.Single(f => f.Path == "big.bin");
        var bad = big.Chunks[2].Hash;
        DataTree.FlipByte(_repo.Repository.Cache.PathOf(bad), offset: 100);
        // Old content that is not in the cache, replaced only with --force: the failure must leave it whole.
        File.WriteAllText(_repo.PathOf("data/big.bin"), "old content");

        var error = Assert.Throws<KeelException>(() => Run(force: true));

        Assert.Contains("'data/big.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Equal("old content", File.ReadAllText(_repo.PathOf("data/big.bin")));
        Assert.DoesNotContain(Directory.EnumerateFiles(Data), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_MissingManifest_SaysToPull()
    {
        var pointer = TrackSample();
        _repo.Repository.Cache.Delete(pointer.Manifest);
        Directory.Delete(Data, recursive: true);

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal($"Manifest {pointer.Manifest} of 'data' is not in the local cache; run 'keel data pull' to fetch it.", error.Message);
    }

    [Fact]
    public void Run_MissingChunk_FailsBeforeWritingAnyFile()
    {
        TrackSample();
        var manifest = DataManifest.Parse(_repo.Repository.Cache.ReadVerified(_repo.Repository.ReadPointer(_repo.PathOf("data.keel")).Spec.Manifest));
        var missing = manifest.Files.Single(f => f.Path == "big.bin").Chunks[^1].Hash;
        _repo.Repository.Cache.Delete(missing);
        Directory.Delete(Data, recursive: true);

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Contains($"'data/big.bin': its chunk {missing} is not in the local cache; run 'keel data pull'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public void Run_ManifestPathEscapingTheFolder_IsRefused()
    {
        // Hand-written JSON: DataManifest itself would never produce such a path.
        var json = Encoding.UTF8.GetBytes("{\"version\":1,\"kind\":\"directory\",\"files\":[{\"path\":\"../escaped.txt\",\"size\":0,\"chunks\":[]}]}");
        var hash = ContentHash.Of(json);
        _repo.Repository.Cache.Put(hash, json);
        File.WriteAllText(_repo.PathOf("data.keel"), new DataPointer("data", true, hash, 0, 1).ToYaml());

        var error = Assert.Throws<KeelException>(() => Run());

        Assert.Contains("'..'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_repo.PathOf("escaped.txt")));
    }

    [Fact]
    public void Apply_ReportsBytesWrittenUpToThePlannedTotal()
    {
        TrackSample();
        Directory.Delete(Data, recursive: true);
        var plan = Checkout.Plan([], _repo.Root, force: false, TestContext.Current.CancellationToken);
        var reports = new List<long>();

        Checkout.Apply(plan, new SynchronousProgress(reports), TestContext.Current.CancellationToken);

        Assert.Equal(plan.BytesToWrite, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    private sealed class SynchronousProgress(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
