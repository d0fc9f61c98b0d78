using System.Security.Cryptography;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>
/// What every <see cref="IArtifactStore"/> backend must do. Each backend subclass says only how to open an
/// empty store owned by the test class instance and how to remove it; the assertions are shared.
/// </summary>
public abstract class ArtifactStoreContract : IAsyncLifetime
{
    private IArtifactStore? _store;

    protected IArtifactStore Store => _store ?? throw new InvalidOperationException("store not opened");

    /// <summary>Opens an empty store owned by this test class instance.</summary>
    protected abstract Task<IArtifactStore> OpenFreshAsync();

    public async ValueTask InitializeAsync() => _store = await OpenFreshAsync();

    public abstract ValueTask DisposeAsync();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static ArtifactPath P(string path) => ArtifactPath.Parse(path, "path");

    protected Task PutTextAsync(string path, string text) =>
        Store.PutAsync(P(path), new MemoryStream(Encoding.UTF8.GetBytes(text)), Ct);

    protected async Task<string> ReadTextAsync(string path)
    {
        await using var stream = await Store.OpenReadAsync(P(path), Ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(Ct);
    }

    [Fact]
    public async Task PutAsync_ThenOpenRead_RoundTripsBytes()
    {
        byte[] bytes = [0, 1, 2, 255, 254, 10, 13, 0];
        await Store.PutAsync(P("blob.bin"), new MemoryStream(bytes), Ct);

        await using var stream = await Store.OpenReadAsync(P("blob.bin"), Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task PutAsync_EmptyContent_StoresEmptyFile()
    {
        await Store.PutAsync(P("empty.txt"), new MemoryStream(), Ct);

        Assert.Equal("", await ReadTextAsync("empty.txt"));
        Assert.Equal([new ArtifactEntry(P("empty.txt"), false, 0)], await Store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task PutAsync_NestedPath_CreatesDirectories()
    {
        await PutTextAsync("0/run/artifacts/model/MLmodel", "flavors: {}");

        Assert.Equal("flavors: {}", await ReadTextAsync("0/run/artifacts/model/MLmodel"));
        Assert.Equal([new ArtifactEntry(P("0/run"), true, null)], await Store.ListAsync(P("0"), Ct));
    }

    [Fact]
    public async Task PutAsync_ExistingFile_ReplacesWholeContent()
    {
        await PutTextAsync("notes.txt", "a much longer first version");
        await PutTextAsync("notes.txt", "short");

        Assert.Equal("short", await ReadTextAsync("notes.txt"));
        Assert.Equal([new ArtifactEntry(P("notes.txt"), false, 5)], await Store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_KeepsOldFileAndLeavesNothingBehind()
    {
        await PutTextAsync("data.csv", "old");

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(P("data.csv"), new FailingStream(), Ct));

        Assert.Equal("old", await ReadTextAsync("data.csv"));
        Assert.Equal([new ArtifactEntry(P("data.csv"), false, 3)], await Store.ListAsync(ArtifactPath.Root, Ct));
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
        var deeper = await Assert.ThrowsAsync<KeelException>(() => PutTextAsync("model/data/w.bin", "y"));
        Assert.Equal(ErrorCode.InvalidParameterValue, deeper.Code);
        Assert.Equal("x", await ReadTextAsync("model"));
    }

    [Fact]
    public async Task PutAsync_FiftyMegabytes_StreamsByteExact()
    {
        const long size = 50L * 1024 * 1024;
        await Store.PutAsync(P("big/weights.bin"), new GeneratedStream(size, seed: 7), Ct);

        Assert.Equal([new ArtifactEntry(P("big/weights.bin"), false, size)], await Store.ListAsync(P("big"), Ct));
        await using var stream = await Store.OpenReadAsync(P("big/weights.bin"), Ct);
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

        var entries = await Store.ListAsync(ArtifactPath.Root, Ct);

        Assert.Equal(
            [new ArtifactEntry(P("a"), true, null), new ArtifactEntry(P("b.txt"), false, 5), new ArtifactEntry(P("c"), true, null)],
            entries);
    }

    [Fact]
    public async Task ListAsync_Subdirectory_GivesPathsFromRoot()
    {
        await PutTextAsync("0/run/artifacts/model/MLmodel", "abc");
        await PutTextAsync("0/run/artifacts/model/data/w.bin", "x");

        var entries = await Store.ListAsync(P("0/run/artifacts/model"), Ct);

        Assert.Equal(
            [new ArtifactEntry(P("0/run/artifacts/model/MLmodel"), false, 3), new ArtifactEntry(P("0/run/artifacts/model/data"), true, null)],
            entries);
    }

    [Fact]
    public async Task ListAsync_OrdersOrdinally()
    {
        await PutTextAsync("b", "x");
        await PutTextAsync("B", "x");
        await PutTextAsync("a-1", "x");
        await PutTextAsync("a/1", "x");

        var names = (await Store.ListAsync(ArtifactPath.Root, Ct)).Select(e => e.Path.Value);

        Assert.Equal(["B", "a", "a-1", "b"], names);
    }

    [Fact]
    public async Task ListAsync_MissingDirectoryOrFile_IsEmpty()
    {
        await PutTextAsync("file.txt", "x");

        Assert.Empty(await Store.ListAsync(P("missing/dir"), Ct));
        Assert.Empty(await Store.ListAsync(P("file.txt"), Ct));
    }

    [Fact]
    public async Task ListAsync_SiblingSharingANamePrefix_IsNotAChild()
    {
        await PutTextAsync("run/a.txt", "x");
        await PutTextAsync("run-2/b.txt", "x");

        Assert.Equal([new ArtifactEntry(P("run/a.txt"), false, 1)], await Store.ListAsync(P("run"), Ct));
    }

    [Fact]
    public async Task OpenReadAsync_MissingFile_ThrowsNotFound()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync(P("nope.txt"), Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        Assert.Contains("nope.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_Directory_ThrowsNotFound()
    {
        await PutTextAsync("dir/file.txt", "x");

        var e = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync(P("dir"), Ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
    }

    [Fact]
    public async Task OpenReadAsync_Root_ThrowsInvalidParameter()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.OpenReadAsync(ArtifactPath.Root, Ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public async Task DeleteAsync_File_RemovesOnlyIt()
    {
        await PutTextAsync("a.txt", "x");
        await PutTextAsync("b.txt", "x");

        await Store.DeleteAsync(P("a.txt"), Ct);

        Assert.Equal([new ArtifactEntry(P("b.txt"), false, 1)], await Store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Directory_RemovesWholeTree()
    {
        await PutTextAsync("run/model/MLmodel", "x");
        await PutTextAsync("run/model/data/w.bin", "x");
        await PutTextAsync("run/metrics.json", "x");
        await PutTextAsync("run/model-card.md", "x");

        await Store.DeleteAsync(P("run/model"), Ct);

        Assert.Equal(
            [new ArtifactEntry(P("run/metrics.json"), false, 1), new ArtifactEntry(P("run/model-card.md"), false, 1)],
            await Store.ListAsync(P("run"), Ct));
    }

    [Fact]
    public async Task DeleteAsync_Missing_DoesNothing()
    {
        await Store.DeleteAsync(P("never/was.txt"), Ct);

        Assert.Empty(await Store.ListAsync(ArtifactPath.Root, Ct));
    }

    [Fact]
    public async Task DeleteAsync_Root_EmptiesStoreAndKeepsItUsable()
    {
        await PutTextAsync("a.txt", "x");
        await PutTextAsync("d/b.txt", "x");

        await Store.DeleteAsync(ArtifactPath.Root, Ct);

        Assert.Empty(await Store.ListAsync(ArtifactPath.Root, Ct));
        await PutTextAsync("again.txt", "y");
        Assert.Equal("y", await ReadTextAsync("again.txt"));
    }
}
