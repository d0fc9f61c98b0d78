using System.Security.Cryptography;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Storage.FileSystem;
using Keel.Testing;

namespace Keel.Storage.Tests.FileSystem;

public sealed class LocalArtifactStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new("keel-artifacts");
    private readonly string _root;
    private readonly string _outside;
    private readonly LocalArtifactStore _store;

    public LocalArtifactStoreTests()
    {
        _root = Path.Combine(_temp.Path, "root");
        _outside = Path.Combine(_temp.Path, "outside");
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        _store = new LocalArtifactStore(_root);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ArtifactPath P(string path) => ArtifactPath.Parse(path, "path");

    private Task PutTextAsync(string path, string text) =>
        _store.PutAsync(P(path), new MemoryStream(Encoding.UTF8.GetBytes(text)), Ct);

    private async Task<string> ReadTextAsync(string path)
    {
        await using var stream = await _store.OpenReadAsync(P(path), Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public void Constructor_MissingRoot_CreatesIt() =>
        Assert.True(Directory.Exists(_root));

    [Fact]
    public async Task PutAsync_ThenOpenRead_RoundTripsBytes()
    {
        byte[] bytes = [0, 1, 2, 255, 254, 10, 13, 0];
        await _store.PutAsync(P("blob.bin"), new MemoryStream(bytes), Ct);

        await using var stream = await _store.OpenReadAsync(P("blob.bin"), Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_root, "blob.bin"), Ct));
    }

    [Fact]
    public async Task PutAsync_NestedPath_CreatesDirectories()
    {
        await PutTextAsync("0/run/artifacts/model/MLmodel", "flavors: {}");

        Assert.True(File.Exists(Path.Combine(_root, "0", "run", "artifacts", "model", "MLmodel")));
        Assert.Equal("flavors: {}", await ReadTextAsync("0/run/artifacts/model/MLmodel"));
    }

    [Fact]
    public async Task PutAsync_ExistingFile_ReplacesWholeContent()
    {
        await PutTextAsync("notes.txt", "a much longer first version");
        await PutTextAsync("notes.txt", "short");

        Assert.Equal("short", await ReadTextAsync("notes.txt"));
        Assert.Single(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_KeepsOldFileAndLeavesNoTempFile()
    {
        await PutTextAsync("data.csv", "old");

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync(P("data.csv"), new FailingStream(), Ct));

        Assert.Equal("old", await ReadTextAsync("data.csv"));
        Assert.Equal([Path.Combine(_root, "data.csv")], Directory.GetFiles(_root));
    }

    [Fact]
    public async Task PutAsync_WhereDirectoryExists_ThrowsInvalidParameter()
    {
        await PutTextAsync("model/MLmodel", "x");

        var e = await Assert.ThrowsAsync<KeelException>(() => PutTextAsync("model", "y"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_BelowAFile_ThrowsInvalidParameter()
    {
        await PutTextAsync("model", "x");

        var e = await Assert.ThrowsAsync<KeelException>(() => PutTextAsync("model/MLmodel", "y"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task PutAsync_FiftyMegabytes_StreamsByteExact()
    {
        const long size = 50L * 1024 * 1024;
        var source = new GeneratedStream(size, seed: 7);
        await _store.PutAsync(P("big/weights.bin"), source, Ct);

        Assert.Equal(size, new FileInfo(Path.Combine(_root, "big", "weights.bin")).Length);
        await using var stream = await _store.OpenReadAsync(P("big/weights.bin"), Ct);
        var actual = await SHA256.HashDataAsync(stream, Ct);
        var expected = await SHA256.HashDataAsync(new GeneratedStream(size, seed: 7), Ct);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ListAsync_Root_ListsDirectChildrenSortedWithSizes()
    {
        await PutTextAsync("b.txt", "12345");
        await PutTextAsync("a/inner.txt", "x");
        await PutTextAsync("c/d/e.txt", "x");

        var entries = await _store.ListAsync(ArtifactPath.Root, Ct);

        Assert.Equal(
            [new ArtifactEntry(P("a"), true, null), new ArtifactEntry(P("b.txt"), false, 5), new ArtifactEntry(P("c"), true, null)],
            entries);
    }

    [Fact]
    public async Task ListAsync_Subdirectory_GivesPathsFromRoot()
    {
        await PutTextAsync("0/run/artifacts/model/MLmodel", "abc");
        await PutTextAsync("0/run/artifacts/model/data/w.bin", "x");

        var entries = await _store.ListAsync(P("0/run/artifacts/model"), Ct);

        Assert.Equal(
            [new ArtifactEntry(P("0/run/artifacts/model/MLmodel"), false, 3), new ArtifactEntry(P("0/run/artifacts/model/data"), true, null)],
            entries);
    }

    [Fact]
    public async Task ListAsync_MissingDirectoryOrFile_IsEmpty()
    {
        await PutTextAsync("file.txt", "x");

        Assert.Empty(await _store.ListAsync(P("missing/dir"), Ct));
        Assert.Empty(await _store.ListAsync(P("file.txt"), Ct));
    }

    [Fact]
    public async Task ListAsync_UploadInProgress_HidesTempFile()
    {
        await PutTextAsync("done.txt", "x");
        await File.WriteAllTextAsync(Path.Combine(_root, ".keel-upload-0123456789abcdef0123456789abcdef.tmp"), "partial", Ct);

        var entries = await _store.ListAsync(ArtifactPath.Root, Ct);

        Assert.Equal([new ArtifactEntry(P("done.txt"), false, 1)], entries);
    }

    [Fact]
    public async Task OpenReadAsync_MissingFile_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => _store.OpenReadAsync(P("nope.txt"), Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        Assert.Contains("nope.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_Directory_ThrowsNotFound()
    {
        await PutTextAsync("dir/file.txt", "x");

        var e = await Assert.ThrowsAsync<KeelException>(() => _store.OpenReadAsync(P("dir"), Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task DeleteAsync_File_RemovesOnlyIt()
    {
        await PutTextAsync("a.txt", "x");
        await PutTextAsync("b.txt", "x");

        await _store.DeleteAsync(P("a.txt"), Ct);

        Assert.Equal([new ArtifactEntry(P("b.txt"), false, 1)], await _store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Directory_RemovesWholeTree()
    {
        await PutTextAsync("run/model/MLmodel", "x");
        await PutTextAsync("run/model/data/w.bin", "x");
        await PutTextAsync("run/metrics.json", "x");

        await _store.DeleteAsync(P("run/model"), Ct);

        Assert.Equal([new ArtifactEntry(P("run/metrics.json"), false, 1)], await _store.ListAsync(P("run"), Ct));
    }

    [Fact]
    public async Task DeleteAsync_Missing_DoesNothing()
    {
        await _store.DeleteAsync(P("never/was.txt"), Ct);

        Assert.True(Directory.Exists(_root));
    }

    [Fact]
    public async Task DeleteAsync_Root_EmptiesStoreButKeepsRoot()
    {
        await PutTextAsync("a.txt", "x");
        await PutTextAsync("d/b.txt", "x");

        await _store.DeleteAsync(ArtifactPath.Root, Ct);

        Assert.True(Directory.Exists(_root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public async Task AnyOperation_ThroughDirectorySymlinkPointingOutside_IsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);

        await AssertRefusedAsync(() => _store.OpenReadAsync(P("escape/secret.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("escape/planted.txt", "x"));
        await AssertRefusedAsync(() => _store.ListAsync(P("escape"), Ct));
        await AssertRefusedAsync(() => _store.DeleteAsync(P("escape/secret.txt"), Ct));
        await AssertRefusedAsync(() => _store.DeleteAsync(P("escape"), Ct));

        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt"), Ct));
        Assert.False(File.Exists(Path.Combine(_outside, "planted.txt")));
    }

    [Fact]
    public async Task AnyOperation_ThroughNestedDirectorySymlink_IsRefused()
    {
        await PutTextAsync("run/ok.txt", "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "run", "link"), _outside);

        await AssertRefusedAsync(() => _store.OpenReadAsync(P("run/link/secret.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("run/link/deeper/planted.txt", "x"));

        Assert.False(Directory.Exists(Path.Combine(_outside, "deeper")));
    }

    [Fact]
    public async Task AnyOperation_OnFileSymlinkPointingOutside_IsRefusedAndHiddenFromListing()
    {
        await PutTextAsync("real.txt", "x");
        File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_outside, "secret.txt"));

        await AssertRefusedAsync(() => _store.OpenReadAsync(P("link.txt"), Ct));
        await AssertRefusedAsync(() => PutTextAsync("link.txt", "overwritten"));

        Assert.Equal([new ArtifactEntry(P("real.txt"), false, 1)], await _store.ListAsync(ArtifactPath.Root, Ct));
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_outside, "secret.txt"), Ct));
    }

    [Fact]
    public async Task DeleteAsync_DirectoryHoldingSymlink_RemovesLinkNotTarget()
    {
        await PutTextAsync("run/ok.txt", "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "run", "link"), _outside);

        await _store.DeleteAsync(P("run"), Ct);

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

    /// <summary>Deterministic pseudo-random bytes of a given length, produced on the fly, not seekable.</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            _random.NextBytes(buffer[..n]);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Yields some bytes, then fails like a dropped connection.</summary>
    private sealed class FailingStream : Stream
    {
        private bool _sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_sent)
            {
                throw new IOException("connection reset");
            }
            _sent = true;
            buffer[0] = 42;
            return 1;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
