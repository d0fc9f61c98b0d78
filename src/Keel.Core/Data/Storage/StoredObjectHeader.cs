using System.Buffers.Binary;

namespace Keel.Core.Data.Storage;

/// <summary>How an envelope's payload turns back into content.</summary>
public enum StoredObjectKind : byte
{
    /// <summary>The payload is the whole content (compressed or not).</summary>
    Full = 1,

    /// <summary>The payload is copy/insert operations against a base object (see <see cref="DeltaEncoder"/>).</summary>
    Delta = 2,
}

/// <summary>How an envelope's payload is compressed.</summary>
public enum StoredObjectCodec : byte
{
    /// <summary>Stored as is.</summary>
    None = 0,

    /// <summary>Brotli (RFC 7932).</summary>
    Brotli = 1,
}

/// <summary>
/// The fixed header of an encoded data object, as it lies in a cache or on the server. An object is stored either as
/// its plain content (every object written before this format, and incompressible chunks) or as an envelope:
/// <code>
/// 0  4  magic EB 4B 44 4F ("\xEBKDO"; content that starts with it is always wrapped, so plain objects never do)
/// 4  1  format version (1)
/// 5  1  kind: 1 full, 2 delta
/// 6  1  codec of the payload: 0 none, 1 Brotli
/// 7  1  delta chain depth: 0 for full, else 1 + the base's depth (at most <see cref="MaxChainDepth"/>)
/// 8  8  decoded length in bytes, little-endian
/// 16 32 (delta only) SHA-256 of the base object's decoded content
/// …     payload
/// </code>
/// The object's address is always the SHA-256 of its decoded content, so the envelope can change (recompressed, a
/// delta stored in full, its depth renumbered) without changing the object.
/// </summary>
public readonly record struct StoredObjectHeader(StoredObjectKind Kind, StoredObjectCodec Codec, int Depth, long DecodedLength, string? BaseHash)
{
    /// <summary>The envelope format written by this version.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The longest delta chain stored: beyond it an object is delta-encoded against its chain's full root, or stored in full.</summary>
    public const int MaxChainDepth = 8;

    /// <summary>Header bytes of a full envelope.</summary>
    public const int FullLength = 16;

    /// <summary>Header bytes of a delta envelope.</summary>
    public const int DeltaLength = FullLength + 32;

    private const int DepthOffset = 7;

    /// <summary>The four bytes every envelope starts with.</summary>
    public static ReadOnlySpan<byte> Magic => [0xEB, 0x4B, 0x44, 0x4F];

    /// <summary>Header bytes of this envelope (where the payload starts).</summary>
    public int Length => Kind == StoredObjectKind.Delta ? DeltaLength : FullLength;

    /// <summary>True when <paramref name="stored"/> starts with <see cref="Magic"/>, i.e. it is an envelope, not plain content.</summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> stored) => stored.StartsWith(Magic);

    /// <summary>
    /// Reads the header of a stored object: null for plain content, the header of a well-formed envelope, or
    /// <see cref="CorruptStoredObjectException"/> naming <paramref name="hash"/> when the envelope is damaged or of a
    /// newer format. <paramref name="stored"/> may be just the first <see cref="DeltaLength"/> bytes.
    /// </summary>
    public static StoredObjectHeader? Read(string hash, ReadOnlySpan<byte> stored)
    {
        if (!IsEnvelope(stored))
        {
            return null;
        }
        if (stored.Length < FullLength)
        {
            throw new CorruptStoredObjectException(hash, "its envelope header is cut short");
        }
        if (stored[4] != FormatVersion)
        {
            throw new CorruptStoredObjectException(hash, $"its envelope has format version {stored[4]}, which this Keel does not know (it reads version {FormatVersion}); upgrade Keel");
        }
        var kind = (StoredObjectKind)stored[5];
        var codec = (StoredObjectCodec)stored[6];
        int depth = stored[DepthOffset];
        var decoded = BinaryPrimitives.ReadInt64LittleEndian(stored[8..]);
        if (kind is not (StoredObjectKind.Full or StoredObjectKind.Delta) || codec is not (StoredObjectCodec.None or StoredObjectCodec.Brotli) || decoded < 0
            || (kind == StoredObjectKind.Full) != (depth == 0) || depth > MaxChainDepth)
        {
            throw new CorruptStoredObjectException(hash, "its envelope header is malformed");
        }
        if (kind == StoredObjectKind.Full)
        {
            return new StoredObjectHeader(kind, codec, 0, decoded, null);
        }
        if (stored.Length < DeltaLength)
        {
            throw new CorruptStoredObjectException(hash, "its delta header is cut short");
        }
        var baseHash = Convert.ToHexStringLower(stored.Slice(FullLength, 32));
        return string.Equals(baseHash, hash, StringComparison.Ordinal)
            ? throw new CorruptStoredObjectException(hash, "it names itself as its delta base")
            : new StoredObjectHeader(kind, codec, depth, decoded, baseHash);
    }

    /// <summary>Writes this header into the start of <paramref name="destination"/> (at least <see cref="Length"/> bytes).</summary>
    public void Write(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        destination[4] = FormatVersion;
        destination[5] = (byte)Kind;
        destination[6] = (byte)Codec;
        destination[DepthOffset] = checked((byte)Depth);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], DecodedLength);
        if (Kind == StoredObjectKind.Delta)
        {
            Convert.FromHexString(BaseHash!, destination.Slice(FullLength, 32), out _, out _);
        }
    }

    /// <summary>A copy of a delta envelope with its depth renumbered (where its base sits at another depth in this store).</summary>
    public static byte[] WithDepth(ReadOnlySpan<byte> stored, int depth)
    {
        var copy = stored.ToArray();
        copy[DepthOffset] = checked((byte)depth);
        return copy;
    }
}
