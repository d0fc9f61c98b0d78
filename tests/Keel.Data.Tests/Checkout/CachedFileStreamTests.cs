using Keel.Core.Common;
using Keel.Data.Checkout;
using Keel.Data.Tests.Support;

namespace Keel.Data.Tests.Checkout;

public sealed class CachedFileStreamTests : IDisposable
{
    private readonly TempRepository _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Read_AfterSeeksAcrossChunkBoundaries_ReturnsTheFilesBytes()
    {
        var bytes = DataTree.Random(1000, seed: 11);
        File.WriteAllBytes(_repo.PathOf("f.bin"), bytes);
        var manifest = FixedChunkTracker.Manifest(_repo.Repository.Cache, _repo.PathOf("f.bin"), chunkSize: 64);
        using var stream = new CachedFileStream(_repo.Repository.Cache, manifest.Files[0], "f.bin");

        stream.Seek(-10, SeekOrigin.End);
        var tail = new byte[20];
        var tailRead = stream.ReadAtLeast(tail, 20, throwOnEndOfStream: false);
        stream.Position = 60;
        var middle = new byte[10];
        stream.ReadExactly(middle);
        stream.Position = 0;
        using var all = new MemoryStream();
        stream.CopyTo(all);

        Assert.Equal(10, tailRead);
        Assert.Equal(bytes[^10..], tail[..10]);
        Assert.Equal(bytes[60..70], middle);
        Assert.Equal(bytes, all.ToArray());
        Assert.Equal(1000, stream.Length);
    }

    [Fact]
    public void Read_CorruptChunk_ThrowsNamingFileAndChunk()
    {
        File.WriteAllBytes(_repo.PathOf("f.bin"), DataTree.Random(200, seed: 12));
        var manifest = FixedChunkTracker.Manifest(_repo.Repository.Cache, _repo.PathOf("f.bin"), chunkSize: 64);
        var bad = manifest.Files[0].Chunks[1].Hash;
        DataTree.FlipByte(_repo.Repository.Cache.PathOf(bad));
        using var stream = new CachedFileStream(_repo.Repository.Cache, manifest.Files[0], "data/f.bin");

        var error = Assert.Throws<KeelException>(() => stream.CopyTo(Stream.Null));

        Assert.StartsWith($"Cannot read 'data/f.bin': its chunk {bad} is corrupt", error.Message, StringComparison.Ordinal);
    }
}
