using Keel.Core.Data;
using Keel.Core.Data.Storage;

namespace Keel.Core.Tests.Data.Storage;

public sealed class StoredObjectCodecTests
{
    private static readonly byte[] Base = CsvLikeBytes.Rows(1 << 20, seed: 1);

    private static byte[] Decode(string hash, byte[] stored, params (string Hash, byte[] Stored)[] store)
    {
        var chain = new StoredObjectChain(hash, stored);
        while (chain.NextBase is { } next)
        {
            chain.AddBase(store.Single(s => s.Hash == next).Stored);
        }
        return chain.Decode();
    }

    [Fact]
    public void EncodeFull_CompressibleContent_IsASmallerEnvelopeThatDecodesBack()
    {
        var stored = StoredObjectEncoder.EncodeFull(Base)!;

        Assert.True(StoredObjectHeader.IsEnvelope(stored));
        Assert.True(stored.Length < Base.Length / 2, $"{stored.Length} bytes");
        Assert.Equal(Base, Decode(ContentHash.Of(Base), stored));
    }

    [Fact]
    public void EncodeFull_RandomBytes_StaysPlain()
    {
        var random = new byte[300_000];
        new Random(2).NextBytes(random);

        Assert.Null(StoredObjectEncoder.EncodeFull(random));
        Assert.Equal(random, Decode(ContentHash.Of(random), random));
    }

    [Fact]
    public void EncodeFull_ContentStartingWithTheMagic_IsWrappedSoItIsNeverMisread()
    {
        byte[] content = [.. StoredObjectHeader.Magic, 1, 2, 3];

        var stored = StoredObjectEncoder.EncodeFull(content)!;

        Assert.Equal(StoredObjectHeader.FullLength + content.Length, stored.Length);
        Assert.Equal(content, Decode(ContentHash.Of(content), stored));
    }

    [Fact]
    public void EncodeDelta_ThirtySmallEditsInAMebibyte_EncodesToAFewKilobytesAndDecodesBack()
    {
        var target = CsvLikeBytes.Edit(Base, edits: 30, seed: 3);
        var baseHash = ContentHash.Of(Base);

        var delta = StoredObjectEncoder.EncodeDelta(target, baseHash, Base, baseDepth: 0)!;

        Assert.True(delta.Length < 4096, $"{delta.Length} bytes");
        var header = StoredObjectHeader.Read(ContentHash.Of(target), delta)!.Value;
        Assert.Equal((StoredObjectKind.Delta, 1, baseHash, (long)target.Length), (header.Kind, header.Depth, header.BaseHash, header.DecodedLength));
        Assert.Equal(target, Decode(ContentHash.Of(target), delta, (baseHash, StoredObjectEncoder.EncodeFull(Base)!)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(400)]
    public void EncodeDelta_RandomEditsOfRandomBytes_RoundTrip(int edits)
    {
        var baseBytes = new byte[200_000];
        new Random(edits).NextBytes(baseBytes);
        var target = CsvLikeBytes.Edit(baseBytes, edits, seed: edits + 1);
        var baseHash = ContentHash.Of(baseBytes);

        var delta = StoredObjectEncoder.EncodeDelta(target, baseHash, baseBytes, baseDepth: 2)!;

        Assert.Equal(target, Decode(ContentHash.Of(target), delta, (baseHash, baseBytes)));
    }

    [Fact]
    public void EncodeDelta_UnrelatedContent_IsNotWorthADelta()
    {
        var other = CsvLikeBytes.Rows(1 << 20, seed: 99);
        var shuffled = other.Reverse().ToArray();

        Assert.Null(StoredObjectEncoder.EncodeDelta(shuffled, ContentHash.Of(Base), Base, baseDepth: 0));
    }

    [Fact]
    public void EncodeDelta_BaseAtTheDepthLimit_IsRefusedSoChainsStayShort()
    {
        var target = CsvLikeBytes.Edit(Base, 3, seed: 4);

        Assert.Null(StoredObjectEncoder.EncodeDelta(target, ContentHash.Of(Base), Base, StoredObjectHeader.MaxChainDepth));
        var deepest = StoredObjectEncoder.EncodeDelta(target, ContentHash.Of(Base), Base, StoredObjectHeader.MaxChainDepth - 1)!;
        Assert.Equal(StoredObjectHeader.MaxChainDepth, StoredObjectHeader.Read(ContentHash.Of(target), deepest)!.Value.Depth);
    }

    [Fact]
    public void Decode_ChainOfEightDeltas_ReturnsTheLastVersion()
    {
        var store = new List<(string Hash, byte[] Stored)> { (ContentHash.Of(Base), StoredObjectEncoder.EncodeFull(Base)!) };
        var previous = Base;
        for (var depth = 1; depth <= StoredObjectHeader.MaxChainDepth; depth++)
        {
            var next = CsvLikeBytes.Edit(previous, 10, seed: depth);
            store.Add((ContentHash.Of(next), StoredObjectEncoder.EncodeDelta(next, ContentHash.Of(previous), previous, depth - 1)!));
            previous = next;
        }

        var chain = new StoredObjectChain(store[^1].Hash, store[^1].Stored);
        while (chain.NextBase is { } next)
        {
            chain.AddBase(store.Single(s => s.Hash == next).Stored);
        }

        Assert.Equal(previous, chain.Decode());
        Assert.Equal(StoredObjectHeader.MaxChainDepth, chain.ActualDepth);
    }

    [Fact]
    public void Decode_FlippedByteInTheDelta_NamesTheDelta()
    {
        var (baseHash, baseStored, hash, delta) = Pair();
        delta[^3] ^= 0x10;

        var error = Assert.Throws<CorruptStoredObjectException>(() => Decode(hash, delta, (baseHash, baseStored)));

        Assert.Equal(hash, error.Hash);
    }

    [Fact]
    public void Decode_FlippedByteInTheBase_NamesTheBase()
    {
        var (baseHash, baseStored, hash, delta) = Pair();
        baseStored[baseStored.Length / 2] ^= 0x10;

        var error = Assert.Throws<CorruptStoredObjectException>(() => Decode(hash, delta, (baseHash, baseStored)));

        Assert.Equal(baseHash, error.Hash);
    }

    [Fact]
    public void Decode_PlainBaseWithAFlippedByte_NamesTheBase()
    {
        var (baseHash, _, hash, delta) = Pair();
        var plain = (byte[])Base.Clone();
        plain[100] ^= 0x01;

        var error = Assert.Throws<CorruptStoredObjectException>(() => Decode(hash, delta, (baseHash, plain)));

        Assert.Equal(baseHash, error.Hash);
    }

    [Fact]
    public void Decode_BaseMissing_SaysWhichBase()
    {
        var (baseHash, _, hash, delta) = Pair();

        var error = Assert.Throws<MissingDeltaBaseException>(() => new StoredObjectChain(hash, delta).Decode());

        Assert.Equal((hash, baseHash), (error.Hash, error.BaseHash));
    }

    [Fact]
    public void AddBase_BaseNotShallowerThanItsDependent_IsCorrupt()
    {
        var (baseHash, _, hash, delta) = Pair();
        var deepBase = StoredObjectHeader.WithDepth(StoredObjectEncoder.EncodeDelta(Base, ContentHash.Of("x"u8), Base, 0)!, 1);
        var chain = new StoredObjectChain(hash, delta);

        var error = Assert.Throws<CorruptStoredObjectException>(() => chain.AddBase(deepBase));

        Assert.Equal(hash, error.Hash);
        Assert.Contains(baseHash, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NewerFormatVersion_AsksForAnUpgrade()
    {
        var stored = StoredObjectEncoder.EncodeFull(Base)!;
        stored[4] = 9;

        var error = Assert.Throws<CorruptStoredObjectException>(() => StoredObjectHeader.Read(ContentHash.Of(Base), stored));

        Assert.Contains("upgrade Keel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chain_DecodedLengthOverTheLimit_IsRefusedBeforeDecoding()
    {
        var stored = StoredObjectEncoder.EncodeFull(Base)!;

        var error = Assert.Throws<CorruptStoredObjectException>(() => new StoredObjectChain(ContentHash.Of(Base), stored, maxDecodedLength: 1000));

        Assert.Contains("more than the 1000 allowed", error.Message, StringComparison.Ordinal);
    }

    private static (string BaseHash, byte[] BaseStored, string Hash, byte[] Delta) Pair()
    {
        var target = CsvLikeBytes.Edit(Base, 20, seed: 5);
        var baseHash = ContentHash.Of(Base);
        return (baseHash, StoredObjectEncoder.EncodeFull(Base)!, ContentHash.Of(target), StoredObjectEncoder.EncodeDelta(target, baseHash, Base, 0)!);
    }
}
