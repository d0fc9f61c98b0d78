using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Cache;
using Keel.Testing;

namespace Keel.Data.Tests.Cache;

public sealed class LocalObjectCacheTests : IDisposable
{
    private readonly TempDirectory _folder = new("keel-cache");
    private readonly LocalObjectCache _cache;

    public LocalObjectCacheTests() => _cache = new LocalObjectCache(_folder.Path);

    [Fact]
    public void Put_NewObject_StoresItUnderItsHashOnce()
    {
        var hash = ContentHash.Of("chunk"u8);

        Assert.True(_cache.Put(hash, "chunk"u8));
        Assert.False(_cache.Put(hash, "chunk"u8));

        Assert.Equal(Path.Combine(_cache.ObjectsRoot, hash[..2], hash), _cache.PathOf(hash));
        Assert.Equal("chunk"u8.ToArray(), _cache.ReadVerified(hash));
        Assert.Equal(5, _cache.SizeOf(hash));
        Assert.Equal([hash], _cache.EnumerateHashes());
    }

    [Fact]
    public void Put_BytesNotMatchingTheHash_IsRefusedAndNothingStored()
    {
        var hash = ContentHash.Of("one"u8);

        Assert.Throws<CorruptObjectException>(() => _cache.Put(hash, "two"u8));

        Assert.False(_cache.Contains(hash));
        Assert.Empty(Directory.EnumerateFiles(_cache.ObjectsRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PutAsync_WrongBytes_LeavesNoTemporaryFile()
    {
        var hash = ContentHash.Of("one"u8);

        await Assert.ThrowsAsync<CorruptObjectException>(() => _cache.PutAsync(hash, new MemoryStream("two"u8.ToArray()), TestContext.Current.CancellationToken));

        Assert.Empty(Directory.EnumerateFiles(_cache.ObjectsRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void PutJustHashed_NewThenExisting_StoresOnce()
    {
        var hash = ContentHash.Of("chunk"u8);

        Assert.True(_cache.PutJustHashed(hash, "chunk"u8));
        Assert.False(_cache.PutJustHashed(hash, "chunk"u8));

        Assert.Equal("chunk"u8.ToArray(), _cache.ReadVerified(hash));
        Assert.Single(Directory.EnumerateFiles(_cache.ObjectsRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ReadVerified_FlippedByte_IsReportedAsCorrupt()
    {
        var hash = ContentHash.Of("payload"u8);
        _cache.Put(hash, "payload"u8);
        File.WriteAllText(_cache.PathOf(hash), "paylaod");

        var error = Assert.Throws<CorruptObjectException>(() => _cache.ReadVerified(hash));

        Assert.Equal(hash, error.Hash);
    }

    [Fact]
    public void ReadVerified_Missing_IsNotFound()
    {
        var error = Assert.Throws<KeelException>(() => _cache.ReadVerified(ContentHash.Of("absent"u8)));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    public void PathOf_NotAHash_IsRefused(string hash)
    {
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => _cache.PathOf(hash)).Code);
    }

    public void Dispose() => _folder.Dispose();
}
