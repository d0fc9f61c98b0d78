using System.Security.Cryptography;
using System.Text;
using Keel.Pipelines.Hashing;
using Keel.Testing;

namespace Keel.Pipelines.Tests.Hashing;

public sealed class ContentHasherTests : IDisposable
{
    private readonly TempDirectory _dir = new("keel-hasher");

    public void Dispose() => _dir.Dispose();

    private string CacheFolder => Path.Combine(_dir.Path, ".keel", "pipelines");

    private void Write(string path, string text)
    {
        var full = Path.Combine(_dir.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void Hash_File_IsItsSha256()
    {
        Write("a.txt", "hello");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("hello"u8)), ContentHasher.Open(_dir.Path, null).Hash("a.txt"));
    }

    [Fact]
    public void Hash_Missing_IsNull() => Assert.Null(ContentHasher.Open(_dir.Path, null).Hash("nope.txt"));

    [Fact]
    public void Hash_Folder_IsOverSortedPathsAndFileHashes_SkippingKeelFolders()
    {
        Write("data/b.txt", "2");
        Write("data/sub/a.txt", "1");
        Write("data/.keel/ignored", "x");
        var hasher = ContentHasher.Open(_dir.Path, null);

        var expected = ContentHasher.FolderHash([new("sub/a.txt", Sha("1")), new("b.txt", Sha("2"))]);

        Assert.Equal(expected, hasher.Hash("data"));
        Write("data/sub/a.txt", "changed");
        Assert.NotEqual(expected, hasher.Hash("data"));
    }

    [Fact]
    public void Hash_FolderRenamedFile_ChangesHash()
    {
        Write("data/a.txt", "1");
        var before = ContentHasher.Open(_dir.Path, null).Hash("data");
        File.Move(Path.Combine(_dir.Path, "data/a.txt"), Path.Combine(_dir.Path, "data/b.txt"));

        Assert.NotEqual(before, ContentHasher.Open(_dir.Path, null).Hash("data"));
    }

    [Fact]
    public async Task Hash_UnchangedFilesAfterSave_AreNotReadAgain()
    {
        Write("a.txt", "one");
        Write("data/b.txt", "two");
        var first = ContentHasher.Open(_dir.Path, CacheFolder);
        var a = first.Hash("a.txt");
        var folder = first.Hash("data");
        Assert.Equal(2, first.FilesRead);
        first.Save();
        // Entries as new as the cache file are distrusted (racy git); let the clock move past the files' times.
        await Task.Delay(20, TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(Path.Combine(CacheFolder, ContentHasher.CacheFileName), File.GetLastWriteTimeUtc(Path.Combine(_dir.Path, "a.txt")).AddSeconds(1));

        var second = ContentHasher.Open(_dir.Path, CacheFolder);

        Assert.Equal(a, second.Hash("a.txt"));
        Assert.Equal(folder, second.Hash("data"));
        Assert.Equal(0, second.FilesRead);
    }

    [Fact]
    public void Hash_FileChangedAfterSave_IsReadAgain()
    {
        Write("a.txt", "one");
        var first = ContentHasher.Open(_dir.Path, CacheFolder);
        first.Hash("a.txt");
        first.Save();
        File.SetLastWriteTimeUtc(Path.Combine(CacheFolder, ContentHasher.CacheFileName), File.GetLastWriteTimeUtc(Path.Combine(_dir.Path, "a.txt")).AddSeconds(1));
        // Same size, new bytes.
        Write("a.txt", "two");

        var second = ContentHasher.Open(_dir.Path, CacheFolder);

        Assert.Equal(Sha("two"), second.Hash("a.txt"));
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public void Open_DamagedCache_StartsEmpty()
    {
        Directory.CreateDirectory(CacheFolder);
        File.WriteAllText(Path.Combine(CacheFolder, ContentHasher.CacheFileName), "keel-hash-cache 1\ngarbage\n");
        Write("a.txt", "one");

        var hasher = ContentHasher.Open(_dir.Path, CacheFolder);

        Assert.Equal(Sha("one"), hasher.Hash("a.txt"));
        Assert.Equal(1, hasher.FilesRead);
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
