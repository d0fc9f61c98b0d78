using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Storage;

namespace Keel.Data.Cache;

/// <summary>
/// The local content-addressed store under <c>.keel/cache</c>: every chunk and manifest is one file at
/// <c>objects/ab/abcdef…</c> named by the <see cref="ContentHash"/> of its content. A file holds the content plain, or
/// an envelope (<see cref="StoredObjectHeader"/>): compressed, or a delta against another object. Writes go to a
/// temporary file first and are renamed into place, so a reader sees a whole object or none; every read decodes and
/// verifies the content against its hash, so a flipped byte anywhere in a delta chain is reported
/// (<see cref="CorruptObjectException"/>), never used.
/// </summary>
public sealed partial class LocalObjectCache
{
    private const int BufferSize = 1 << 16;

    public LocalObjectCache(string root)
    {
        Root = Path.GetFullPath(root);
        ObjectsRoot = Path.Combine(Root, "objects");
        Directory.CreateDirectory(ObjectsRoot);
    }

    /// <summary>The cache folder (usually <c>&lt;repo&gt;/.keel/cache</c>).</summary>
    public string Root { get; }

    public string ObjectsRoot { get; }

    /// <summary>Where the object lives (whether or not it exists). The hash is checked first.</summary>
    public string PathOf(string hash)
    {
        ContentHash.Require(hash, "hash");
        return Path.Combine(ObjectsRoot, hash[..2], hash);
    }

    public bool Contains(string hash) => File.Exists(PathOf(hash));

    /// <summary>Size of a stored object as it lies on disk (compressed or delta-encoded), or null when it is missing.</summary>
    public long? SizeOf(string hash)
    {
        var info = new FileInfo(PathOf(hash));
        return info.Exists ? info.Length : null;
    }

    /// <summary>
    /// Stores <paramref name="bytes"/> under <paramref name="hash"/> as plain content (so a manifest's JSON can be
    /// recognised by its first bytes), after checking they hash to it; an object already present is left alone (objects
    /// are immutable). Returns true when the object was new.
    /// </summary>
    public bool Put(string hash, ReadOnlySpan<byte> bytes)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }
        var actual = ContentHash.Of(bytes);
        if (!string.Equals(actual, hash, StringComparison.Ordinal))
        {
            throw new CorruptObjectException(hash, $"Refused to store object {hash}: its bytes hash to {actual}.");
        }
        return StoreAtomically(path, StoredObjectHeader.IsEnvelope(bytes) ? StoredObjectEncoder.EncodeFull(bytes) : bytes);
    }

    /// <summary>
    /// Stores content whose hash the caller has just computed from this very buffer (the adder, which hashes every chunk
    /// anyway: hashing it a second time would double the cost of adding new data), in the smallest form found: a delta
    /// against <paramref name="baseHash"/> (usually the chunk at the same place in the previous version of the file)
    /// when one is given, present and similar, else compressed, else plain. Returns true when the object was new.
    /// </summary>
    internal bool PutJustHashed(string hash, ReadOnlySpan<byte> bytes, string? baseHash = null)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }
        var stored = (baseHash is null ? null : EncodeDelta(bytes, baseHash)) ?? StoredObjectEncoder.EncodeFull(bytes);
        return stored is null ? StoreAtomically(path, bytes) : StoreAtomically(path, stored);
    }

    /// <summary>
    /// Streams <paramref name="stored"/> (an object in stored form, e.g. from a server) into the cache under
    /// <paramref name="hash"/>, decoding and verifying it before it becomes visible. A delta whose base is not in the cache
    /// throws <see cref="MissingDeltaBaseException"/> (fetch the base, then the object again); content that does not match
    /// the hash throws <see cref="CorruptObjectException"/>. Returns true when the object was new.
    /// </summary>
    public async Task<bool> PutAsync(string hash, Stream stored, CancellationToken ct = default)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }
        var head = new byte[StoredObjectHeader.FullLength];
        var headLength = await stored.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (!StoredObjectHeader.IsEnvelope(head.AsSpan(0, headLength)))
        {
            return await StreamPlainAsync(hash, path, head.AsMemory(0, headLength), stored, ct).ConfigureAwait(false);
        }
        using var buffer = new MemoryStream();
        buffer.Write(head, 0, headLength);
        await stored.CopyToAsync(buffer, BufferSize, ct).ConfigureAwait(false);
        return PutStored(hash, buffer.ToArray());
    }

    /// <summary>Reads an object's content, decoded and verified; a missing object throws RESOURCE_DOES_NOT_EXIST.</summary>
    public byte[] ReadVerified(string hash)
    {
        var stored = ReadStored(hash);
        try
        {
            return Resolve(new StoredObjectChain(hash, stored)).Decode();
        }
        catch (CorruptStoredObjectException e)
        {
            throw Corrupt(hash, e);
        }
        catch (MissingDeltaBaseException e)
        {
            throw new CorruptObjectException(hash,
                $"Cached object {hash} cannot be decoded: object {e.Hash} in its delta chain is based on {e.BaseHash}, which is missing from the cache. Delete {PathOf(hash)} and pull again.");
        }
    }

    /// <summary>An object's bytes exactly as stored (what a push sends); a missing object throws RESOURCE_DOES_NOT_EXIST.</summary>
    public byte[] ReadStored(string hash) =>
        TryReadStored(hash) ?? throw KeelException.NotFound($"Object {hash} is not in the local cache ({Root}); run 'keel data pull' to fetch it.");

    /// <summary>
    /// The envelope header of a stored object: null when it is stored plain, RESOURCE_DOES_NOT_EXIST when missing,
    /// <see cref="CorruptObjectException"/> when the header is damaged. Reads only the header's bytes.
    /// </summary>
    public StoredObjectHeader? ReadHeader(string hash)
    {
        var head = new byte[StoredObjectHeader.DeltaLength];
        int length;
        try
        {
            using var file = new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            length = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeelException.NotFound($"Object {hash} is not in the local cache ({Root}).");
        }
        try
        {
            return StoredObjectHeader.Read(hash, head.AsSpan(0, length));
        }
        catch (CorruptStoredObjectException e)
        {
            throw Corrupt(hash, e);
        }
    }

    /// <summary>Every object hash in the cache (stray files that are not hashes are skipped).</summary>
    public IEnumerable<string> EnumerateHashes()
    {
        foreach (var directory in Directory.EnumerateDirectories(ObjectsRoot))
        {
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(file);
                if (ContentHash.IsValid(name) && string.Equals(Path.GetFileName(directory), name[..2], StringComparison.Ordinal))
                {
                    yield return name;
                }
            }
        }
    }

    /// <summary>Removes an object; a missing one is not an error.</summary>
    public void Delete(string hash) => File.Delete(PathOf(hash));

    /// <summary>The message of a damaged object: the object asked for, and the base in its chain that is damaged if it is another.</summary>
    private CorruptObjectException Corrupt(string hash, CorruptStoredObjectException e) => string.Equals(e.Hash, hash, StringComparison.Ordinal)
        ? new CorruptObjectException(hash, $"Cached object {hash} is corrupt ({e.Reason}): {PathOf(hash)}. Delete it and pull again.")
        : new CorruptObjectException(e.Hash,
            $"Cached object {hash} is stored as a delta of object {e.Hash}, which is corrupt ({e.Reason}): {PathOf(e.Hash)}. Delete both {PathOf(e.Hash)} and {PathOf(hash)} and pull again.");
}

/// <summary>
/// An object whose bytes do not match its hash: reported with the object, never used. <see cref="Hash"/> names the
/// damaged object, which for a delta-encoded object may be a base in its chain rather than the object read.
/// </summary>
public sealed class CorruptObjectException(string hash, string message) : Exception(message)
{
    public string Hash { get; } = hash;
}
