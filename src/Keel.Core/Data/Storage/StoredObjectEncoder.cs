namespace Keel.Core.Data.Storage;

/// <summary>
/// Chooses the stored form of an object's content (see <see cref="StoredObjectHeader"/> for the layout): compressed in
/// full, a delta against a similar object, or plain content when neither pays.
/// </summary>
public static class StoredObjectEncoder
{
    // Below this a Brotli stream and a 16-byte header cannot win anything worth a second look.
    private const int SmallestCompressed = 128;

    // A delta is kept only while at most this share of the target has no match in the base; past it, store in full.
    private const int MaxLiteralShare = 2;

    /// <summary>
    /// The stored form of <paramref name="content"/> on its own: a compressed envelope when that is smaller, else null,
    /// meaning "store the content as it is" — except content that happens to start with the envelope magic, which is
    /// wrapped in an uncompressed envelope so it can never be misread.
    /// </summary>
    public static byte[]? EncodeFull(ReadOnlySpan<byte> content)
    {
        var header = new StoredObjectHeader(StoredObjectKind.Full, StoredObjectCodec.Brotli, 0, content.Length, null);
        if (content.Length >= SmallestCompressed && ObjectCompression.TryCompress(content, StoredObjectHeader.FullLength) is { } compressed)
        {
            header.Write(compressed);
            return compressed;
        }
        return StoredObjectHeader.IsEnvelope(content) ? Wrap(header with { Codec = StoredObjectCodec.None }, content) : null;
    }

    /// <summary>
    /// <paramref name="content"/> as a delta against <paramref name="baseContent"/> (object <paramref name="baseHash"/>,
    /// stored at chain depth <paramref name="baseDepth"/>), or null when the base is already
    /// <see cref="StoredObjectHeader.MaxChainDepth"/> deep or shares too little with the content for a delta to pay.
    /// </summary>
    public static byte[]? EncodeDelta(ReadOnlySpan<byte> content, string baseHash, ReadOnlySpan<byte> baseContent, int baseDepth)
    {
        ContentHash.Require(baseHash, "baseHash");
        if (baseDepth is < 0 or >= StoredObjectHeader.MaxChainDepth
            || DeltaEncoder.Encode(baseContent, content, content.Length / MaxLiteralShare) is not { } operations)
        {
            return null;
        }
        var header = new StoredObjectHeader(StoredObjectKind.Delta, StoredObjectCodec.Brotli, baseDepth + 1, content.Length, baseHash);
        if (ObjectCompression.TryCompress(operations, StoredObjectHeader.DeltaLength, trial: false) is { } compressed)
        {
            header.Write(compressed);
            return compressed;
        }
        return Wrap(header with { Codec = StoredObjectCodec.None }, operations);
    }

    private static byte[] Wrap(StoredObjectHeader header, ReadOnlySpan<byte> payload)
    {
        var stored = new byte[header.Length + payload.Length];
        header.Write(stored);
        payload.CopyTo(stored.AsSpan(header.Length));
        return stored;
    }
}
