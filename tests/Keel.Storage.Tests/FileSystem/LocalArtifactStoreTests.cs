using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Storage.FileSystem;
using Keel.Storage.Tests.Artifacts;
using Keel.Testing;

namespace Keel.Storage.Tests.FileSystem;

/// <summary>
/// The artifact store contract on a folder, plus what only a filesystem has: the files themselves, upload
/// temp files, symbolic links and the destination spellings.
/// </summary>
public sealed class LocalArtifactStoreTests : ArtifactStoreContract
{
    private readonly TempDirectory _temp = new("keel-artifacts");
    private readonly string _root;
    private readonly string _outside;

    public LocalArtifactStoreTests()
    {
        _root = Path.Combine(_temp.Path, "root");
        _outside = Path.Combine(_temp.Path, "outside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
    }

    protected override Task<IArtifactStore> OpenFreshAsync() => Task.FromResult<IArtifactStore>(new LocalArtifactStore(_root));

    public override ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void Constructor_MissingRoot_CreatesIt() =>
        Assert.True(Directory.Exists(_root));

    [Fact]
    public async Task PutAsync_NestedPath_WritesPlainFileUnderRoot()
    {
        await PutTextAsync("0/run/artifacts/model/MLmodel", "flavors: {}");

        Assert.Equal("flavors: {}", await File.ReadAllTextAsync(Path.Combine(_root, "0", "run", "artifacts", "model", "MLmodel"), Ct));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_LeavesNoTempFile()
    {
        await PutTextAsync("data.csv", "old");

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(P("data.csv"), new FailingStream(), Ct));

        Assert.Equal([Path.Combine(_root, "data.csv")], Directory.GetFiles(_root));
    }

    [Fact]
    public async Task ListAsync_UploadInProgress_HidesTempFile()
    {
        await PutTextAsync("done.txt", "x");
        await File.WriteAllTextAsync(Path.Combine(_root, ".keel-upload-0123456789abcdef0123456789abcdef.tmp"), "partial", Ct);

        var entries = await Store.ListAsync(ArtifactPath.Root, Ct);

        Assert.Equal([new ArtifactEntry(P("done.txt"), false, 1)], entries);
    }

    [Fact]
    public async Task DeleteAsync_Root_KeepsRootFolder()
    {
        await PutTextAsync("d/b.txt", "x");

        await Store.DeleteAsync(ArtifactPath.Root, Ct);

        Assert.True(Directory.Exists(_root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task AnyOperation_ThroughDirectorySymlinkPointingOutside_IsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);

        await AssertRefusedAsync(() => Store.OpenReadAsync(P("escape/secret.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("escape/planted.txt", "x"));
        await AssertRefusedAsync(() => Store.ListAsync(P("escape"), Ct));
        await AssertRefusedAsync(() => Store.DeleteAsync(P("escape/secret.txt"), Ct));
        await AssertRefusedAsync(() => Store.DeleteAsync(P("escape"), Ct));

        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt"), Ct));
        Assert.False(File.Exists(Path.Combine(_outside, "planted.txt")));
    }

    [Fact]
    public async Task AnyOperation_ThroughNestedDirectorySymlink_IsRefused()
    {
        await PutTextAsync("run/ok.txt", "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "run", "link"), _outside);

        await AssertRefusedAsync(() => Store.OpenReadAsync(P("run/link/secret.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("run/link/deeper/planted.txt", "x"));

        Assert.False(Directory.Exists(Path.Combine(_outside, "deeper")));
    }

    [Fact]
    public async Task AnyOperation_OnFileSymlinkPointingOutside_IsRefusedAndHiddenFromListing()
    {
        await PutTextAsync("real.txt", "x");
        File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_outside, "secret.txt"));

        await AssertRefusedAsync(() => Store.OpenReadAsync(P("link.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("link.txt", "overwritten"));

        Assert.Equal([new ArtifactEntry(P("real.txt"), false, 1)], await Store.ListAsync(ArtifactPath.Root, Ct));
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt"), Ct));
    }

    [Fact]
    public async Task DeleteAsync_DirectoryHoldingSymlink_RemovesLinkNotTarget()
    {
        await PutTextAsync("run/ok.txt", "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "run", "link"), _outside);

        await Store.DeleteAsync(P("run"), Ct);

        Assert.False(Directory.Exists(Path.Combine(_root, "run")));
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt"), Ct));
    }

    [Fact]
    public void FromDestination_None_UsesArtifactsUnderDataDirectory()
    {
        var store = LocalArtifactStore.FromDestination(null, _temp.Path);
        Assert.Equal(Path.Combine(_temp.Path, "artifacts"), store.RootDirectory);
        Assert.True(Directory.Exists(store.RootDirectory));
    }

    [Fact]
    public void FromDestination_FolderPath_UsesIt()
    {
        var folder = Path.Combine(_temp.Path, "custom");
        Assert.Equal(folder, LocalArtifactStore.FromDestination(folder, _temp.Path).RootDirectory);
    }

    [Fact]
    public void FromDestination_FileUri_UsesItsLocalPath()
    {
        var folder = Path.Combine(_temp.Path, "from uri");
        var uri = new Uri(folder).AbsoluteUri;
        Assert.StartsWith("file:///", uri, StringComparison.Ordinal);
        Assert.Equal(folder, LocalArtifactStore.FromDestination(uri, _temp.Path).RootDirectory);
    }

    [Theory]
    [InlineData("s3://bucket/artifacts", "'s3'")]
    [InlineData("gs://bucket", "'gs'")]
    [InlineData("http://host/artifacts", "'http'")]
    [InlineData("file://fileserver/share/artifacts", "file:///")]
    public void FromDestination_UnsupportedUri_ThrowsNamingIt(string destination, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => LocalArtifactStore.FromDestination(destination, _temp.Path));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
    }
}
