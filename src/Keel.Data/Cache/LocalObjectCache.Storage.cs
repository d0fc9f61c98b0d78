using System.Security.Cryptography;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Storage;

namespace Keel.Data.Cache;

/// <summary>Encoding, decoding and the atomic file writes behind <see cref="LocalObjectCache"/>.</summary>
public sealed partial class LocalObjectCache
{
    /// <summary>
    /// Stores an object received in stored form after decoding it (its delta bases must be in the cache, else
    /// <see cref="MissingDeltaBaseException"/>) and checking the content against <paramref name="hash"/>. A delta is kept
    /// as it came, its depth renumbered to where its base sits here, or stored in full when that would exceed the depth limit.
    /// </summary>
    internal bool PutStored(string hash, byte[] stored)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }
        // Plain content that merely starts like an envelope: hashing it first settles which it is.
        if (string.Equals(ContentHash.Of(stored), hash, StringComparison.Ordinal))
        {
            return StoreAtomically(path, StoredObjectHeader.IsEnvelope(stored) ? StoredObjectEncoder.EncodeFull(stored) : stored);
        }
        byte[] content;
        StoredObjectChain chain;
        try
        {
            chain = Resolve(new StoredObjectChain(hash, stored, received: true));
            content = chain.Decode();
        }
        catch (CorruptStoredObjectException e)
        {
            throw string.Equals(e.Hash, hash, StringComparison.Ordinal)
                ? new CorruptObjectException(hash, $"Refused to store object {hash}: {e.Reason}.")
                : Corrupt(hash, e);
        }
        if (chain.Header is { Kind: StoredObjectKind.Delta } header && chain.ActualDepth != header.Depth)
        {
            stored = chain.ActualDepth > StoredObjectHeader.MaxChainDepth
                ? StoredObjectEncoder.EncodeFull(content) ?? content
                : StoredObjectHeader.WithDepth(stored, chain.ActualDepth);
        }
        return StoreAtomically(path, stored);
    }

    private byte[]? TryReadStored(string hash)
    {
        try
        {
            return File.ReadAllBytes(PathOf(hash));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Adds every base of the chain from the cache; a missing one throws <see cref="MissingDeltaBaseException"/>.</summary>
    private StoredObjectChain Resolve(StoredObjectChain chain)
    {
        while (chain.NextBase is { } next)
        {
            chain.AddBase(TryReadStored(next) ?? throw new MissingDeltaBaseException(chain.Top, next));
        }
        return chain;
    }

    /// <summary>
    /// A delta of <paramref name="content"/> against <paramref name="baseHash"/>, or null when the base is absent or
    /// unreadable or the delta does not pay. A base already at the depth limit is replaced by the full object at the root
    /// of its chain, so versions keep being stored as deltas however many there are.
    /// </summary>
    private byte[]? EncodeDelta(ReadOnlySpan<byte> content, string baseHash)
    {
        try
        {
            var header = ReadHeader(baseHash);
            if (header?.Depth >= StoredObjectHeader.MaxChainDepth)
            {
                // Down to the root; depths strictly decrease along a chain, so this ends within the limit.
                for (var steps = 0; header?.BaseHash is { } next && steps <= StoredObjectHeader.MaxChainDepth; steps++)
                {
                    baseHash = next;
                    header = ReadHeader(baseHash);
                }
            }
            return StoredObjectEncoder.EncodeDelta(content, baseHash, ReadVerified(baseHash), header?.Depth ?? 0);
        }
        catch (Exception e) when (e is KeelException or CorruptObjectException or MissingDeltaBaseException or IOException)
        {
            // A base that cannot be read is no reason to fail an add: the content is simply stored in full.
            return null;
        }
    }

    private static bool StoreAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = TemporaryPath(path);
        try
        {
            using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
            file.Write(bytes);
        }
        catch
        {
            // A full disk must not leave a partial temporary file behind.
            File.Delete(temporary);
            throw;
        }
        return Commit(temporary, path);
    }

    private static async Task<bool> StreamPlainAsync(string hash, string path, ReadOnlyMemory<byte> head, Stream rest, CancellationToken ct)
    {
        var temporary = TemporaryPath(path);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                sha.AppendData(head.Span);
                await file.WriteAsync(head, ct).ConfigureAwait(false);
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await rest.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
            }
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (!string.Equals(actual, hash, StringComparison.Ordinal))
            {
                throw new CorruptObjectException(hash, $"Refused to store object {hash}: the bytes received hash to {actual}.");
            }
            return Commit(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string TemporaryPath(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path + "." + Guid.NewGuid().ToString("N") + ".tmp";
    }

    // A concurrent writer of the same object may win the rename; equal hashes mean equal content, so either copy is right.
    private static bool Commit(string temporary, string path)
    {
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }
}
