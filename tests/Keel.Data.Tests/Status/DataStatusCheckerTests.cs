using Keel.Core.Common;
using Keel.Data.Status;
using Keel.Data.Tests.Add;

namespace Keel.Data.Tests.Status;

public sealed class DataStatusCheckerTests : IDisposable
{
    private readonly TestRepository _repo = new();

    [Fact]
    public void Check_RightAfterAdd_IsCleanAndReadsNothing()
    {
        _repo.Write("set/a.txt", "alpha");
        _repo.Write("set/sub/b.txt", "beta");
        _repo.Write("c.txt", "gamma");
        _repo.Add("set", "c.txt");

        var report = Check();

        Assert.True(report.IsClean);
        Assert.Equal(["c.txt", "set"], report.Items.Select(i => i.Tracked.RelativePath));
        Assert.All(report.Items, i => Assert.Empty(i.Changes));
        Assert.Equal(0, report.BytesRead);
    }

    [Fact]
    public void Check_FilesAddedRemovedAndModified_AreListedByPath()
    {
        _repo.Write("set/keep.txt", "same");
        _repo.Write("set/edit.txt", "before");
        _repo.Write("set/grow.txt", "short");
        _repo.Write("set/gone.txt", "bye");
        _repo.Add("set");
        File.WriteAllText(_repo.PathOf("set/edit.txt"), "after!");
        File.AppendAllText(_repo.PathOf("set/grow.txt"), " and longer");
        File.Delete(_repo.PathOf("set/gone.txt"));
        _repo.Write("set/new/file.txt", "hello");

        var item = Assert.Single(Check().Items);

        Assert.Equal(TrackedState.Modified, item.State);
        Assert.Equal(
            [new("edit.txt", FileChangeKind.Modified), new("gone.txt", FileChangeKind.Removed), new("grow.txt", FileChangeKind.Modified), new FileChange("new/file.txt", FileChangeKind.Added)],
            item.Changes);
    }

    [Fact]
    public void Check_TouchedButUnchangedFile_IsReadOnceThenRemembered()
    {
        var path = _repo.Write("a.txt", "content");
        _repo.Add("a.txt");
        TestRepository.Backdate(path, minutes: 10);

        var first = Check();
        var second = Check();

        Assert.True(first.IsClean);
        Assert.Equal(7, first.BytesRead);
        Assert.True(second.IsClean);
        Assert.Equal(0, second.BytesRead);
    }

    [Fact]
    public void Check_SameSizeEdit_IsModified()
    {
        var path = _repo.Write("a.txt", "content");
        _repo.Add("a.txt");
        File.WriteAllText(path, "CONTENT");

        var item = Assert.Single(Check().Items);

        Assert.Equal(TrackedState.Modified, item.State);
        Assert.Equal([new FileChange("a.txt", FileChangeKind.Modified)], item.Changes);
    }

    [Fact]
    public void Check_WorkingCopyDeleted_IsMissing()
    {
        _repo.Write("set/a.txt", "alpha");
        _repo.Add("set");
        Directory.Delete(_repo.PathOf("set"), recursive: true);

        Assert.Equal(TrackedState.Missing, Assert.Single(Check().Items).State);
    }

    [Fact]
    public void Check_FileReplacedByFolder_IsModified()
    {
        _repo.Write("a", "file");
        _repo.Add("a");
        File.Delete(_repo.PathOf("a"));
        _repo.Write("a/inside.txt", "now a folder");

        var item = Assert.Single(Check().Items);

        Assert.Equal(TrackedState.Modified, item.State);
        Assert.Equal([new FileChange("a", FileChangeKind.Modified)], item.Changes);
    }

    [Fact]
    public void Check_ManifestNotInCache_SaysSoWithoutFailing()
    {
        _repo.Write("a.txt", "alpha");
        var added = Assert.Single(_repo.Add("a.txt"));
        _repo.Repository.Cache.Delete(added.ManifestHash);

        var report = Check();

        Assert.Equal(TrackedState.ManifestNotCached, Assert.Single(report.Items).State);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void Check_CorruptCachedManifest_FailsNamingTheData()
    {
        _repo.Write("a.txt", "alpha");
        var added = Assert.Single(_repo.Add("a.txt"));
        File.WriteAllText(_repo.Repository.Cache.PathOf(added.ManifestHash), "{}");

        var error = Assert.Throws<KeelException>(Check);

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.StartsWith("Cannot check 'a.txt': Cached object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TruncatedPointer_FailsNamingThePointer()
    {
        _repo.Write("a.txt", "alpha");
        _repo.Add("a.txt");
        var pointer = _repo.PathOf("a.txt.keel");
        File.WriteAllText(pointer, File.ReadAllText(pointer)[..^30]);

        var error = Assert.Throws<KeelException>(Check);

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("pointer file 'a.txt.keel'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Target_ChecksOnlyThatPointer()
    {
        _repo.Write("a.txt", "alpha");
        _repo.Write("b.txt", "beta");
        _repo.Add("a.txt", "b.txt");
        File.WriteAllText(_repo.PathOf("b.txt"), "changed");

        var item = Assert.Single(new DataStatusChecker(_repo.Repository).Check(["a.txt"], _repo.Root).Items);

        Assert.Equal((TrackedState.Unchanged, "a.txt"), (item.State, item.Tracked.RelativePath));
    }

    public void Dispose() => _repo.Dispose();

    private DataStatusReport Check() => new DataStatusChecker(_repo.Repository).Check([], _repo.Root);
}
