using System.Security.Cryptography;
using Keel.Core.Data.Chunking;

namespace Keel.Core.Tests.Data.Chunking;

public sealed class ContentDefinedChunkerTests
{
    // Small limits so a few MB of test data holds hundreds of chunks.
    private static readonly ChunkerOptions Small = new(1024, 4096, 16384);

    [Fact]
    public void GearTable_Entries_ArePinnedForever()
    {
        // These values define where every stored chunk starts: if this test fails, existing caches lose all dedup.
        Assert.Equal(0x8463db9ab374a22cUL, GearTable.Values[0]);
        Assert.Equal(0x0f4f4d03f785ecf4UL, GearTable.Values[1]);
        Assert.Equal(0x5a41b64eda35f942UL, GearTable.Values[127]);
        Assert.Equal(0xd9701d0acaf3d206UL, GearTable.Values[255]);
        Assert.Equal(256, GearTable.Values.Distinct().Count());
    }

    [Fact]
    public void Split_FixedInput_GivesPinnedBoundaries()
    {
        var data = PseudoRandomBytes.Create(64 * 1024, seed: 42);

        var sizes = Sizes(new ContentDefinedChunker(Small), data);

        Assert.Equal(PinnedSizes, sizes);
    }

    [Fact]
    public void Split_EmptyStream_YieldsNoChunks()
    {
        Assert.Empty(new ContentDefinedChunker(Small).Split(new MemoryStream()));
    }

    [Fact]
    public void Split_InputShorterThanMinimum_IsOneChunk()
    {
        var data = PseudoRandomBytes.Create(100, seed: 1);

        Assert.Equal([100], Sizes(new ContentDefinedChunker(Small), data));
    }

    [Fact]
    public void Split_SameInputTwice_GivesSameChunks()
    {
        var data = PseudoRandomBytes.Create(1 << 20, seed: 7);
        var chunker = new ContentDefinedChunker(Small);

        Assert.Equal(Hashes(chunker, data), Hashes(chunker, data));
    }

    [Fact]
    public void Split_Chunks_ConcatenateBackToTheInput()
    {
        var data = PseudoRandomBytes.Create((1 << 20) + 12345, seed: 3);
        var joined = new MemoryStream();

        foreach (var chunk in new ContentDefinedChunker(Small).Split(new MemoryStream(data)))
        {
            joined.Write(chunk.Span);
        }

        Assert.Equal(data, joined.ToArray());
    }

    [Fact]
    public void Split_EveryChunkButTheLast_IsWithinMinAndMax()
    {
        var data = PseudoRandomBytes.Create(2 << 20, seed: 11);

        var sizes = Sizes(new ContentDefinedChunker(Small), data);

        Assert.All(sizes[..^1], size => Assert.InRange(size, Small.MinSize, Small.MaxSize));
        Assert.InRange(sizes[^1], 1, Small.MaxSize);
        // Normalized chunking keeps the mean near the target, far from either limit.
        Assert.InRange(data.Length / (double)sizes.Count, Small.AverageSize / 2.0, Small.AverageSize * 2.0);
    }

    [Fact]
    public void Split_RepetitiveInputWithoutBoundaries_CutsAtMax()
    {
        var zeros = new byte[5 * Small.MaxSize + 10];

        var sizes = Sizes(new ContentDefinedChunker(Small), zeros);

        Assert.Equal(zeros.Length, sizes.Sum());
        Assert.All(sizes, size => Assert.InRange(size, 1, Small.MaxSize));
    }

    [Fact]
    public void Split_BytesInsertedNearTheStart_ChangeOnlyTheFirstChunks()
    {
        var original = PseudoRandomBytes.Create(3 << 20, seed: 5);
        var edited = original[..100].Concat("inserted!"u8.ToArray()).Concat(original[100..]).ToArray();
        var chunker = new ContentDefinedChunker(Small);

        var before = Hashes(chunker, original);
        var after = Hashes(chunker, edited);

        var changed = after.Except(before).Count();
        Assert.InRange(changed, 1, 2);
        Assert.Equal(before.Count - changed, after.Intersect(before).Count());
        // Everything after the first resynchronized boundary is the same sequence of chunks.
        Assert.Equal(before[^(before.Count - 2)..], after[^(before.Count - 2)..]);
    }

    [Fact]
    public void Split_StreamGivingShortReads_MatchesAMemoryStream()
    {
        var data = PseudoRandomBytes.Create(300_000, seed: 9);
        var chunker = new ContentDefinedChunker(Small);

        var trickled = chunker.Split(new TrickleStream(data, maxRead: 777)).Select(c => ContentHashOf(c)).ToList();

        Assert.Equal(Hashes(chunker, data), trickled);
    }

    [Fact]
    public void Split_LongStream_ReadsAtMostTwoMaxSizesAhead()
    {
        var data = PseudoRandomBytes.Create(2 << 20, seed: 13);
        var stream = new TrickleStream(data, maxRead: 1 << 20);
        long consumed = 0;

        foreach (var chunk in new ContentDefinedChunker(Small).Split(stream))
        {
            consumed += chunk.Length;
            Assert.True(stream.Position - consumed <= 2 * Small.MaxSize, $"read {stream.Position - consumed} bytes ahead");
        }

        Assert.Equal(data.Length, consumed);
    }

    private static List<int> Sizes(ContentDefinedChunker chunker, byte[] data) =>
        chunker.Split(new MemoryStream(data)).Select(c => c.Length).ToList();

    private static List<string> Hashes(ContentDefinedChunker chunker, byte[] data) =>
        chunker.Split(new MemoryStream(data)).Select(c => ContentHashOf(c)).ToList();

    private static string ContentHashOf(ReadOnlyMemory<byte> chunk) => Convert.ToHexStringLower(SHA256.HashData(chunk.Span));

    // Computed once by an independent Python transcription of the algorithm; must never change.
    private static readonly int[] PinnedSizes = [7513, 4728, 4517, 4482, 2126, 5199, 4260, 5371, 4142, 6273, 6251, 5984, 3173, 1517];

    /// <summary>A forward-only stream that hands out at most <c>maxRead</c> bytes per call, like a pipe or socket.</summary>
    private sealed class TrickleStream(byte[] data, int maxRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, maxRead), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
