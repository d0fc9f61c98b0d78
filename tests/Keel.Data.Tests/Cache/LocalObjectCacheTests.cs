using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Storage;
using Keel.Data.Cache;
using Keel.Data.Tests.Support;
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

    [Fact]
    public void PutJustHashed_CompressibleContent_IsStoredCompressedAndReadBack()
    {
        var content = EditedCsv.Table(100_000, seed: 1);
        var hash = ContentHash.Of(content);

        Assert.True(_cache.PutJustHashed(hash, content));

        Assert.True(_cache.SizeOf(hash) < content.Length / 2);
        Assert.Equal(StoredObjectKind.Full, _cache.ReadHeader(hash)?.Kind);
        Assert.Equal(content, _cache.ReadVerified(hash));
    }

    [Fact]
    public void Put_ContentStartingWithTheMagic_IsWrappedAndReadBackUnchanged()
    {
        byte[] content = [.. StoredObjectHeader.Magic, 1, 2, 3];
        var hash = ContentHash.Of(content);

        _cache.Put(hash, content);

        Assert.NotNull(_cache.ReadHeader(hash));
        Assert.Equal(content, _cache.ReadVerified(hash));
    }

    [Fact]
    public async Task PutAsync_EnvelopeOfOtherContent_IsRefusedAndNothingStored()
    {
        var claimed = ContentHash.Of(EditedCsv.Table(5_000, seed: 2));

        var error = await Assert.ThrowsAsync<CorruptObjectException>(() =>
            _cache.PutAsync(claimed, new MemoryStream(StoredObjectEncoder.EncodeFull(EditedCsv.Table(5_000, seed: 3))!), TestContext.Current.CancellationToken));

        Assert.Contains("its decoded bytes hash to", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_cache.ObjectsRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task PutAsync_DeltaWhoseBaseIsMissing_SaysWhichBaseToFetchAndStoresNothing()
    {
        var baseContent = EditedCsv.Table(50_000, seed: 4);
        var target = EditedCsv.Edit(baseContent, 3, seed: 5);
        var delta = StoredObjectEncoder.EncodeDelta(target, ContentHash.Of(baseContent), baseContent, 0)!;

        var error = await Assert.ThrowsAsync<MissingDeltaBaseException>(() =>
            _cache.PutAsync(ContentHash.Of(target), new MemoryStream(delta), TestContext.Current.CancellationToken));

        Assert.Equal(ContentHash.Of(baseContent), error.BaseHash);
        Assert.False(_cache.Contains(ContentHash.Of(target)));
        _cache.Put(ContentHash.Of(baseContent), baseContent);
        Assert.True(await _cache.PutAsync(ContentHash.Of(target), new MemoryStream(delta), TestContext.Current.CancellationToken));
        Assert.Equal(target, _cache.ReadVerified(ContentHash.Of(target)));
    }

    [Fact]
    public async Task PutAsync_DeltaOnABaseAtTheDepthLimitHere_IsStoredInFull()
    {
        var content = EditedCsv.Table(20_000, seed: 6);
        var hash = ContentHash.Of(content);
        _cache.Put(hash, content);
        for (var depth = 1; depth <= StoredObjectHeader.MaxChainDepth; depth++)
        {
            var next = EditedCsv.Edit(content, 2, seed: depth);
            Assert.True(await _cache.PutAsync(ContentHash.Of(next), new MemoryStream(StoredObjectEncoder.EncodeDelta(next, hash, content, depth - 1)!), TestContext.Current.CancellationToken));
            (content, hash) = (next, ContentHash.Of(next));
        }
        var last = EditedCsv.Edit(content, 2, seed: 99);

        await _cache.PutAsync(ContentHash.Of(last), new MemoryStream(StoredObjectEncoder.EncodeDelta(last, hash, content, baseDepth: 0)!), TestContext.Current.CancellationToken);

        Assert.Equal(StoredObjectHeader.MaxChainDepth, _cache.ReadHeader(hash)?.Depth);
        Assert.NotEqual(StoredObjectKind.Delta, _cache.ReadHeader(ContentHash.Of(last))?.Kind);
        Assert.Equal(last, _cache.ReadVerified(ContentHash.Of(last)));
    }

    public void Dispose() => _folder.Dispose();
}
