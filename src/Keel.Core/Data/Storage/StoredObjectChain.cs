using System.Security.Cryptography;

namespace Keel.Core.Data.Storage;

/// <summary>
/// Decodes a stored object, following its delta chain down to a full object: start with the object's stored bytes,
/// add the stored bytes of each <see cref="NextBase"/> until there is none, then <see cref="Decode"/>. Each base must
/// sit strictly shallower than the object above it, so a chain is at most
/// <see cref="StoredObjectHeader.MaxChainDepth"/> deltas long and can never loop. The decoded content is verified
/// against the object's hash; on a mismatch every level is checked to name the object actually damaged.
/// </summary>
/// <example><code>
/// var chain = new StoredObjectChain(hash, stored);
/// while (chain.NextBase is { } next) chain.AddBase(load(next) ?? throw new MissingDeltaBaseException(chain.Top, next));
/// var content = chain.Decode();
/// </code></example>
public sealed class StoredObjectChain
{
    private readonly List<(string Hash, byte[] Stored, StoredObjectHeader? Header)> _links = [];

    private readonly long _maxDecodedLength;

    private readonly bool _received;

    /// <summary>
    /// Starts a chain at object <paramref name="hash"/> stored as <paramref name="stored"/>. An envelope in the chain
    /// claiming more than <paramref name="maxDecodedLength"/> bytes is refused as corrupt before anything is allocated
    /// [default: the largest array]. <paramref name="received"/> says the object comes from another store (an upload or
    /// a pull), whose depth says where its base sat there: it is not checked against the base here, and
    /// <see cref="ActualDepth"/> gives its depth here.
    /// </summary>
    public StoredObjectChain(string hash, byte[] stored, long maxDecodedLength = int.MaxValue, bool received = false)
    {
        ContentHash.Require(hash, "hash");
        _maxDecodedLength = Math.Min(maxDecodedLength, Array.MaxLength);
        _received = received;
        Push(hash, stored);
    }

    /// <summary>The object asked for.</summary>
    public string Hash => _links[0].Hash;

    /// <summary>The deepest object added so far (whose base is <see cref="NextBase"/>).</summary>
    public string Top => _links[^1].Hash;

    /// <summary>The header of the object asked for (null when stored as plain content).</summary>
    public StoredObjectHeader? Header => _links[0].Header;

    /// <summary>The base whose stored bytes are needed next, or null when the chain ends in a full object.</summary>
    public string? NextBase => _links[^1].Header?.BaseHash;

    /// <summary>
    /// The depth the object asked for really has here: 0 when full, else its base's depth + 1. Its header may say more
    /// (it was encoded where the base sat deeper); only once every base is added.
    /// </summary>
    public int ActualDepth => _links.Count == 1 ? 0 : (_links[1].Header?.Depth ?? 0) + 1;

    /// <summary>Adds the stored bytes of <see cref="NextBase"/>.</summary>
    public void AddBase(byte[] stored)
    {
        var above = _links[^1];
        var baseHash = above.Header?.BaseHash ?? throw new InvalidOperationException("The chain already ends in a full object.");
        Push(baseHash, stored);
        var depth = _links[^1].Header?.Depth ?? 0;
        if (depth >= above.Header!.Value.Depth && !(_received && _links.Count == 2))
        {
            throw new CorruptStoredObjectException(above.Hash, $"its delta base {baseHash} is stored at depth {depth}, not below its own {above.Header.Value.Depth}");
        }
    }

    /// <summary>The verified content of the object asked for; <see cref="CorruptStoredObjectException"/> names the damaged object otherwise.</summary>
    public byte[] Decode()
    {
        if (NextBase is { } missing)
        {
            throw new MissingDeltaBaseException(Top, missing);
        }
        var content = DecodeLevel(_links.Count - 1, null);
        for (var level = _links.Count - 2; level >= 0; level--)
        {
            content = DecodeLevel(level, content);
        }
        if (Matches(Hash, content))
        {
            return content;
        }
        // Only the whole chain's result was checked; find the lowest level whose own content is wrong.
        content = null;
        for (var level = _links.Count - 1; level >= 0; level--)
        {
            content = DecodeLevel(level, content);
            if (!Matches(_links[level].Hash, content))
            {
                throw new CorruptStoredObjectException(_links[level].Hash, "its decoded bytes hash to " + ContentHash.Of(content));
            }
        }
        throw new InvalidOperationException("Unreachable: the chain decoded to different bytes twice.");
    }

    private void Push(string hash, byte[] stored)
    {
        var header = StoredObjectHeader.Read(hash, stored);
        if (header?.DecodedLength > _maxDecodedLength)
        {
            throw new CorruptStoredObjectException(hash, $"its header claims {header.Value.DecodedLength} bytes, more than the {_maxDecodedLength} allowed");
        }
        _links.Add((hash, stored, header));
    }

    private byte[] DecodeLevel(int level, byte[]? baseContent)
    {
        var (hash, stored, header) = _links[level];
        if (header is not { } h)
        {
            return stored;
        }
        var payload = stored.AsSpan(h.Length);
        if (h.Kind == StoredObjectKind.Full && h.Codec == StoredObjectCodec.None)
        {
            return payload.Length == h.DecodedLength ? payload.ToArray() : throw new CorruptStoredObjectException(hash, "its length does not match its header");
        }
        // The payload cannot expand beyond Brotli's limits or the operations' bounds, so a lying length fails below, before any large allocation is filled.
        var content = new byte[h.DecodedLength];
        var ok = h.Kind == StoredObjectKind.Full
            ? ObjectCompression.TryDecompress(payload, content)
            : h.Codec == StoredObjectCodec.None
                ? DeltaDecoder.TryApply(baseContent!, payload, content)
                : TryApplyCompressed(baseContent!, payload, content);
        return ok ? content : throw new CorruptStoredObjectException(hash, h.Kind == StoredObjectKind.Full ? "its compressed payload is damaged" : "its delta payload is damaged");
    }

    private static bool TryApplyCompressed(byte[] baseContent, ReadOnlySpan<byte> payload, byte[] content)
    {
        // Every copy covers at least a window of the target and costs at most ~20 bytes with the insert before it, so
        // operations never reach twice the target's length; anything longer is damage.
        using var decoder = new System.IO.Compression.BrotliDecoder();
        var operations = System.Buffers.ArrayPool<byte>.Shared.Rent((content.Length * 2) + 64);
        try
        {
            var status = decoder.Decompress(payload, operations, out var consumed, out var written);
            return status == System.Buffers.OperationStatus.Done && consumed == payload.Length
                && DeltaDecoder.TryApply(baseContent, operations.AsSpan(0, written), content);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(operations);
        }
    }

    private static bool Matches(string hash, ReadOnlySpan<byte> content)
    {
        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(content, actual);
        Span<byte> expected = stackalloc byte[32];
        Convert.FromHexString(hash, expected, out _, out _);
        return actual.SequenceEqual(expected);
    }
}
