using System.Globalization;
using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Data.Storage;

namespace Keel.Core.Data;

/// <summary>
/// The server's content-addressed data objects (chunks and manifests), kept in an <see cref="IArtifactStore"/> of
/// their own at <c>ab/&lt;hash&gt;</c>. Objects are stored as clients send them: plain content, or an envelope
/// (<see cref="StoredObjectHeader"/>) holding compressed content or a delta against another stored object. Every
/// hash is checked by <see cref="ContentHash.Require"/> before it reaches a path; an upload is decoded and becomes
/// visible only when its decoded content hashes to its name, so the store never holds an object that lies about its
/// content.
/// </summary>
/// <param name="objects">Where the objects live (locally <c>&lt;data dir&gt;/data-objects</c>, apart from artifacts).</param>
/// <param name="maxObjectBytes">The largest object accepted, stored or decoded, in bytes [default: <see cref="DefaultMaxObjectBytes"/>].</param>
public sealed partial class DataObjectStore(IArtifactStore objects, long maxObjectBytes = DataObjectStore.DefaultMaxObjectBytes)
{
    /// <summary>64 MiB: chunks are at most 4 MiB, but the manifest of a large tree can run to tens of MiB.</summary>
    public const long DefaultMaxObjectBytes = 64L << 20;

    /// <summary>The most hashes one <see cref="FindMissingAsync"/> call accepts.</summary>
    public const int MaxHashesPerCall = 10_000;

    /// <summary>The largest object accepted, in bytes.</summary>
    public long MaxObjectBytes { get; } = maxObjectBytes > 0
        ? maxObjectBytes
        : throw new ArgumentOutOfRangeException(nameof(maxObjectBytes), maxObjectBytes, "The object size limit must be positive.");

    public async Task<bool> ExistsAsync(string? hash, CancellationToken ct = default)
    {
        var path = PathOf(hash, "hash");
        try
        {
            await using var stream = await objects.OpenReadAsync(path, ct);
            return true;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return false;
        }
    }

    /// <summary>
    /// The hashes among <paramref name="hashes"/> the store lacks, each once, in the order first given. More than
    /// <see cref="MaxHashesPerCall"/> hashes, or an invalid one, throws INVALID_PARAMETER_VALUE naming <c>hashes[i]</c>.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string?>? hashes, CancellationToken ct = default)
    {
        if (hashes is null)
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'hashes'.");
        }
        if (hashes.Count > MaxHashesPerCall)
        {
            throw KeelException.InvalidParameter(Text($"Invalid value for parameter 'hashes': at most {MaxHashesPerCall} hashes per call (got {hashes.Count}); send them in batches."));
        }
        for (var i = 0; i < hashes.Count; i++)
        {
            ContentHash.Require(hashes[i], Text($"hashes[{i}]"));
        }
        var missing = new List<string>();
        foreach (var hash in hashes.Distinct(StringComparer.Ordinal))
        {
            if (!await ExistsAsync(hash, ct))
            {
                missing.Add(hash!);
            }
        }
        return missing;
    }

    /// <summary>
    /// Stores <paramref name="content"/> (an object in stored form, read to its end) as object <paramref name="hash"/>.
    /// Plain content streams through SHA-256; an envelope is decoded (a delta against the base stored here, which must
    /// already be present) and its decoded content checked. Content that decodes or hashes to something else, a delta
    /// whose base is missing, or more than <see cref="MaxObjectBytes"/> bytes throw INVALID_PARAMETER_VALUE and leave
    /// nothing behind. An object already present is kept and the content is not read (objects are immutable); returns
    /// true when the object is new. Concurrent puts of one object both succeed: equal hashes mean equal content.
    /// </summary>
    public async Task<bool> PutAsync(string? hash, Stream content, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(hash, "hash");
        if (await ExistsAsync(hash, ct))
        {
            return false;
        }
        var head = new byte[StoredObjectHeader.FullLength];
        var headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (!StoredObjectHeader.IsEnvelope(head.AsSpan(0, headLength)))
        {
            // The check runs inside the store's own copy, at end of stream, before its rename makes the object visible.
            await using var verified = new VerifyingStream(head.AsMemory(0, headLength), content, hash!, MaxObjectBytes, UploadMismatch(hash!), ownsInner: false);
            await objects.PutAsync(path, verified, ct);
            return true;
        }
        var stored = await ReadUploadAsync(hash!, head.AsMemory(0, headLength), content, ct);
        await objects.PutAsync(path, new MemoryStream(await VerifyEnvelopeAsync(hash!, stored, ct), writable: false), ct);
        return true;
    }

    /// <summary>
    /// Opens an object's decoded content, verified against its hash (a damaged object fails with INTERNAL_ERROR instead
    /// of returning bad bytes); a missing one throws RESOURCE_DOES_NOT_EXIST naming the hash.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string? hash, CancellationToken ct = default)
    {
        var stored = await OpenStoredAsync(hash, ct);
        var head = new byte[StoredObjectHeader.FullLength];
        int headLength;
        try
        {
            headLength = await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }
        catch
        {
            await stored.DisposeAsync();
            throw;
        }
        if (!StoredObjectHeader.IsEnvelope(head.AsSpan(0, headLength)))
        {
            return new VerifyingStream(head.AsMemory(0, headLength), stored, hash!, long.MaxValue,
                actual => new KeelException(ErrorCode.InternalError, $"Data object {hash} is corrupt on the server: its bytes hash to {actual}."), ownsInner: true);
        }
        byte[] bytes;
        await using (stored)
        {
            bytes = await ReadAllAsync(head.AsMemory(0, headLength), stored, ct);
        }
        try
        {
            return new MemoryStream(await DecodeAsync(new StoredObjectChain(hash!, bytes, MaxObjectBytes), ct), writable: false);
        }
        catch (CorruptStoredObjectException e)
        {
            throw ServerCorrupt(e);
        }
    }

    /// <summary>
    /// Opens an object exactly as stored (what <c>GET …/data/objects/{hash}</c> returns: plain content or an envelope the
    /// client decodes and verifies); a missing one throws RESOURCE_DOES_NOT_EXIST naming the hash.
    /// </summary>
    public async Task<Stream> OpenStoredAsync(string? hash, CancellationToken ct = default)
    {
        var path = PathOf(hash, "hash");
        try
        {
            return await objects.OpenReadAsync(path, ct);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.NotFound($"Data object {hash} not found.");
        }
    }

    private static ArtifactPath PathOf(string? hash, string field)
    {
        ContentHash.Require(hash, field);
        return ArtifactPath.Parse(hash![..2] + "/" + hash, field);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
