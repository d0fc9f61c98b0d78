using Keel.Core.Common;
using Keel.Core.Data.Storage;

namespace Keel.Core.Data;

/// <summary>Decoding and verifying envelopes (compressed and delta-encoded objects) for <see cref="DataObjectStore"/>.</summary>
public sealed partial class DataObjectStore
{
    private static Func<string, Exception> UploadMismatch(string hash) => actual => KeelException.InvalidParameter(
        $"Invalid content for parameter 'hash': the bytes sent for data object {hash} hash to {actual}; nothing was stored.");

    private static KeelException ServerCorrupt(CorruptStoredObjectException e) =>
        new(ErrorCode.InternalError, $"Data object {e.Hash} is corrupt on the server ({e.Reason}).", e);

    /// <summary>
    /// What to store for an uploaded envelope once it decodes to <paramref name="hash"/>: the envelope itself (a delta's
    /// depth renumbered to where its base sits here), or the content in full when that would make the chain too deep.
    /// </summary>
    private async Task<byte[]> VerifyEnvelopeAsync(string hash, byte[] stored, CancellationToken ct)
    {
        // Plain content that merely starts like an envelope: hashing it first settles which it is.
        if (string.Equals(ContentHash.Of(stored), hash, StringComparison.Ordinal))
        {
            return StoredObjectEncoder.EncodeFull(stored)!;
        }
        StoredObjectChain chain;
        byte[] content;
        try
        {
            chain = new StoredObjectChain(hash, stored, MaxObjectBytes, received: true);
            content = await DecodeAsync(chain, ct);
        }
        catch (CorruptStoredObjectException e) when (string.Equals(e.Hash, hash, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Invalid content for parameter 'hash': the bytes sent for data object {hash} do not decode to it ({e.Reason}); nothing was stored.");
        }
        catch (CorruptStoredObjectException e)
        {
            throw ServerCorrupt(e);
        }
        catch (MissingDeltaBaseException e)
        {
            throw KeelException.InvalidParameter(
                $"Invalid content for parameter 'hash': data object {hash} was sent as a delta of {e.BaseHash}, which the server does not hold; a delta's base must be sent first, or the object in full. Nothing was stored.");
        }
        if (chain.Header is not { Kind: StoredObjectKind.Delta } header || chain.ActualDepth == header.Depth)
        {
            return stored;
        }
        return chain.ActualDepth > StoredObjectHeader.MaxChainDepth
            ? StoredObjectEncoder.EncodeFull(content) ?? content
            : StoredObjectHeader.WithDepth(stored, chain.ActualDepth);
    }

    /// <summary>Adds each base of <paramref name="chain"/> from the store and decodes it; a missing base throws <see cref="MissingDeltaBaseException"/>.</summary>
    private async Task<byte[]> DecodeAsync(StoredObjectChain chain, CancellationToken ct)
    {
        while (chain.NextBase is { } next)
        {
            chain.AddBase(await TryReadStoredAsync(next, ct) ?? throw new MissingDeltaBaseException(chain.Top, next));
        }
        return chain.Decode();
    }

    private async Task<byte[]?> TryReadStoredAsync(string hash, CancellationToken ct)
    {
        try
        {
            await using var stream = await objects.OpenReadAsync(PathOf(hash, "hash"), ct);
            return await ReadAllAsync(ReadOnlyMemory<byte>.Empty, stream, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }
    }

    /// <summary>Buffers an uploaded envelope, refusing it once it passes <see cref="MaxObjectBytes"/>.</summary>
    private async Task<byte[]> ReadUploadAsync(string hash, ReadOnlyMemory<byte> head, Stream rest, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        buffer.Write(head.Span);
        var block = new byte[1 << 16];
        int read;
        while ((read = await rest.ReadAsync(block, ct)) > 0)
        {
            if (buffer.Length + read > MaxObjectBytes)
            {
                throw KeelException.InvalidParameter(Text($"Data object {hash} exceeds the server's limit of {MaxObjectBytes} bytes."));
            }
            buffer.Write(block, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task<byte[]> ReadAllAsync(ReadOnlyMemory<byte> head, Stream rest, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        buffer.Write(head.Span);
        await rest.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
