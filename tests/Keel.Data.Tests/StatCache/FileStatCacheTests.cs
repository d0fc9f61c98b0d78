using System.Buffers.Binary;
using System.Security.Cryptography;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.StatCache;
using Keel.Testing;

namespace Keel.Data.Tests.StatCache;

public sealed class FileStatCacheTests : IDisposable
{
    private static readonly FileStamp Stamp = new(Size: 11, LastWriteTicks: 638_000_000_000_000_000, ChangeTicks: 638_000_000_000_000_001, Inode: 4242);
    private static readonly ChunkRef[] Chunks = [new(ContentHash.Of("hello "u8), 6), new(ContentHash.Of("world"u8), 5)];

    private readonly TempDirectory _folder = new("keel-statcache");

    private string FilePath => Path.Combine(_folder.Path, FileStatCache.FileName);

    [Fact]
    public void SaveThenLoad_RemembersEntriesByPathAndStamp()
    {
        var cache = FileStatCache.Load(_folder.Path);
        cache.Record("data/a.csv", Stamp, Chunks);
        cache.Record("data/empty", Stamp with { Size = 0 }, []);
        cache.Save();

        var loaded = FileStatCache.Load(_folder.Path);

        Assert.Equal(2, loaded.Count);
        Assert.Equal(Chunks, loaded.Find("data/a.csv", Stamp));
        Assert.Empty(loaded.Find("data/empty", Stamp with { Size = 0 })!);
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.tmp"));
    }

    [Theory]
    [InlineData(1, 0, 0, 0)]
    [InlineData(0, 1, 0, 0)]
    [InlineData(0, 0, 1, 0)]
    [InlineData(0, 0, 0, 1)]
    public void Find_AnyStampFieldChanged_ReturnsNothing(long size, long write, long change, ulong inode)
    {
        var cache = FileStatCache.Load(_folder.Path);
        cache.Record("a", Stamp, Chunks);

        var changed = new FileStamp(Stamp.Size + size, Stamp.LastWriteTicks + write, Stamp.ChangeTicks + change, Stamp.Inode + inode);

        Assert.Null(cache.Find("a", changed));
        Assert.Null(cache.Find("b", Stamp));
    }

    [Fact]
    public void Load_EntryNotOlderThanTheCacheFile_IsDistrusted()
    {
        var cache = FileStatCache.Load(_folder.Path);
        var future = Stamp with { LastWriteTicks = DateTime.MaxValue.Ticks - 1 };
        cache.Record("racy", future, Chunks);
        cache.Record("old", Stamp, Chunks);
        cache.Save();

        var loaded = FileStatCache.Load(_folder.Path);

        Assert.Null(loaded.Find("racy", future));
        Assert.NotNull(loaded.Find("old", Stamp));
    }

    [Fact]
    public void Load_FlippedByte_IsIgnored()
    {
        SaveOneEntry();
        var bytes = File.ReadAllBytes(FilePath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(FilePath, bytes);

        Assert.Equal(0, FileStatCache.Load(_folder.Path).Count);
    }

    [Fact]
    public void Load_Truncated_IsIgnored()
    {
        SaveOneEntry();
        var bytes = File.ReadAllBytes(FilePath);
        File.WriteAllBytes(FilePath, bytes[..^10]);

        Assert.Equal(0, FileStatCache.Load(_folder.Path).Count);
    }

    [Fact]
    public void Load_UnknownVersionWithValidChecksum_IsIgnored()
    {
        SaveOneEntry();
        var bytes = File.ReadAllBytes(FilePath);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), StatCacheFile.FormatVersion + 1);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(FilePath, bytes);

        Assert.Equal(0, FileStatCache.Load(_folder.Path).Count);
    }

    [Fact]
    public void Read_EntryWhoseChunksDoNotAddUpToItsSize_RejectsTheWholeFile()
    {
        var bytes = StatCacheFile.Write([new("a", new StatEntry(Stamp with { Size = 12 }, Chunks))]);

        Assert.Null(StatCacheFile.TryRead(bytes));
    }

    [Fact]
    public void Read_EntryWithAnEscapingPath_RejectsTheWholeFile()
    {
        var bytes = StatCacheFile.Write([new("../a", new StatEntry(Stamp, Chunks))]);

        Assert.Null(StatCacheFile.TryRead(bytes));
    }

    [Fact]
    public void Load_GarbageFile_IsIgnoredAndReplacedOnSave()
    {
        File.WriteAllText(FilePath, "KEELSTAT but not really");
        var cache = FileStatCache.Load(_folder.Path);
        cache.Record("a", Stamp, Chunks);

        cache.Save();

        Assert.Equal(Chunks, FileStatCache.Load(_folder.Path).Find("a", Stamp));
    }

    [Fact]
    public void ForgetOthersBelow_DropsOnlyVanishedFilesOfThatFolder()
    {
        var cache = FileStatCache.Load(_folder.Path);
        cache.Record("set/kept", Stamp, Chunks);
        cache.Record("set/gone", Stamp, Chunks);
        cache.Record("settings", Stamp, Chunks);

        cache.ForgetOthersBelow("set", new HashSet<string> { "set/kept" });

        Assert.NotNull(cache.Find("set/kept", Stamp));
        Assert.Null(cache.Find("set/gone", Stamp));
        Assert.NotNull(cache.Find("settings", Stamp));
    }

    public void Dispose() => _folder.Dispose();

    private void SaveOneEntry()
    {
        var cache = FileStatCache.Load(_folder.Path);
        cache.Record("a", Stamp, Chunks);
        cache.Save();
        Assert.Equal(1, FileStatCache.Load(_folder.Path).Count);
    }
}
