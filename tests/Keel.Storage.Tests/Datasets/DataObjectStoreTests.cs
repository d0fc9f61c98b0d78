using System.Security.Cryptography;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Storage.FileSystem;
using Keel.Testing;

namespace Keel.Storage.Tests.Datasets;

/// <summary><see cref="DataObjectStore"/> over a real local folder: hash checks, the size cap and idempotent puts.</summary>
public sealed class DataObjectStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("keel-data-objects");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private DataObjectStore Open(long max = DataObjectStore.DefaultMaxObjectBytes) => new(new LocalArtifactStore(_directory.Path), max);

    private static (string Hash, byte[] Bytes) Object(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return (Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);
    }

    [Fact]
    public async Task Put_StoresAtPrefixFolderOnceAndReadsBack()
    {
        var store = Open();
        var (hash, bytes) = Object(1000);

        Assert.True(await store.PutAsync(hash, new MemoryStream(bytes), Ct));
        Assert.False(await store.PutAsync(hash, new MemoryStream(bytes), Ct));
        await using var read = await store.OpenReadAsync(hash, Ct);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, Ct);

        Assert.Equal(bytes, copy.ToArray());
        Assert.True(File.Exists(Path.Combine(_directory.Path, hash[..2], hash)));
        Assert.True(await store.ExistsAsync(hash, Ct));
    }

    [Fact]
    public async Task Put_OverTheSizeLimit_IsRefusedAndLeavesNothing()
    {
        var store = Open(max: 100);
        var (hash, bytes) = Object(101);

        var error = await Assert.ThrowsAsync<KeelException>(() => store.PutAsync(hash, new MemoryStream(bytes), Ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("100 bytes", error.Message, StringComparison.Ordinal);
        Assert.False(await store.ExistsAsync(hash, Ct));
        Assert.Empty(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Put_WrongBytes_IsRefusedAndLeavesNothing()
    {
        var store = Open();
        var (hash, _) = Object(10);
        var (_, other) = Object(10);

        var error = await Assert.ThrowsAsync<KeelException>(() => store.PutAsync(hash, new MemoryStream(other), Ct));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Empty(Directory.EnumerateFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task FindMissing_ValidatesAndCaps()
    {
        var store = Open();
        var tooMany = Enumerable.Repeat<string?>(new string('a', 64), DataObjectStore.MaxHashesPerCall + 1).ToArray();

        var bad = await Assert.ThrowsAsync<KeelException>(() => store.FindMissingAsync([new string('a', 64), "../etc/passwd"], Ct));
        var many = await Assert.ThrowsAsync<KeelException>(() => store.FindMissingAsync(tooMany, Ct));

        Assert.Contains("'hashes[1]'", bad.Message, StringComparison.Ordinal);
        Assert.Contains("at most 10000", many.Message, StringComparison.Ordinal);
    }
}
