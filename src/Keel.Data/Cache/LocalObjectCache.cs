using System.Security.Cryptography;
using Keel.Core.Common;
using Keel.Core.Data;

namespace Keel.Data.Cache;

/// <summary>
/// The local content-addressed store under <c>.keel/cache</c>: every chunk and manifest is one file at
/// <c>objects/ab/abcdef…</c> named by its <see cref="ContentHash"/>. Writes go to a temporary file first and are
/// renamed into place, so a reader sees a whole object or none; every read is verified against its hash, so a flipped
/// byte is reported (<see cref="CorruptObjectException"/>), never used.
/// </summary>
public sealed class LocalObjectCache
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

    /// <summary>Size of a stored object, or null when it is missing.</summary>
    public long? SizeOf(string hash)
    {
        var info = new FileInfo(PathOf(hash));
        return info.Exists ? info.Length : null;
    }

    /// <summary>
    /// Stores <paramref name="bytes"/> under <paramref name="hash"/>, after checking they hash to it; an object already
    /// present is left alone (objects are immutable). Returns true when the object was new.
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
        return Store(path, bytes);
    }

    /// <summary>
    /// Like <see cref="Put"/> for bytes whose hash the caller has just computed from this very buffer (the adder, which
    /// hashes every chunk anyway): hashing them a second time would double the cost of adding new data.
    /// </summary>
    internal bool PutJustHashed(string hash, ReadOnlySpan<byte> bytes)
    {
        var path = PathOf(hash);
        return !File.Exists(path) && Store(path, bytes);
    }

    private static bool Store(string path, ReadOnlySpan<byte> bytes)
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

    /// <summary>
    /// Streams <paramref name="content"/> into the cache under <paramref name="hash"/>, verifying the hash before the
    /// object becomes visible. Returns true when the object was new.
    /// </summary>
    public async Task<bool> PutAsync(string hash, Stream content, CancellationToken ct = default)
    {
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return false;
        }
        var temporary = TemporaryPath(path);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
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

    /// <summary>Reads a whole object and verifies it; a missing object throws RESOURCE_DOES_NOT_EXIST.</summary>
    public byte[] ReadVerified(string hash)
    {
        var path = PathOf(hash);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeelException.NotFound($"Object {hash} is not in the local cache ({Root}); run 'keel data pull' to fetch it.");
        }
        var actual = ContentHash.Of(bytes);
        return string.Equals(actual, hash, StringComparison.Ordinal)
            ? bytes
            : throw new CorruptObjectException(hash, $"Cached object {hash} is corrupt (its bytes hash to {actual}): {path}. Delete it and pull again.");
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

    private static string TemporaryPath(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path + "." + Guid.NewGuid().ToString("N") + ".tmp";
    }

    // A concurrent writer of the same object may win the rename; equal hashes mean equal bytes, so either copy is right.
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

/// <summary>An object whose bytes do not match its hash: reported with the object, never used.</summary>
public sealed class CorruptObjectException(string hash, string message) : Exception(message)
{
    public string Hash { get; } = hash;
}
