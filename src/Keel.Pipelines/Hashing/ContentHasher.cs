using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using Keel.Data.Snapshots;

namespace Keel.Pipelines.Hashing;

/// <summary>
/// Content hashes of a pipeline's deps and outs, as keel.lock records them: a file's SHA-256 (hex), a folder's SHA-256
/// over its files' sorted (relative path, file hash) pairs. Like git's index, a hash cache remembers each file's stamp
/// (size, times, inode) when it was hashed, so a file that did not change is not read again. Safe to use from several
/// threads. Call <see cref="Save"/> to keep what was learned.
/// </summary>
public sealed class ContentHasher
{
    /// <summary>The hash cache's file name (in the folder given to <see cref="Open"/>).</summary>
    public const string CacheFileName = "hash-cache";

    private readonly string _root;
    private readonly string? _cachePath;
    private readonly Dictionary<string, HashCacheEntry> _entries;
    private readonly Lock _gate = new();
    private bool _changed;

    private ContentHasher(string root, string? cachePath, Dictionary<string, HashCacheEntry> entries)
    {
        _root = root;
        _cachePath = cachePath;
        _entries = entries;
    }

    /// <summary>Files actually read since this hasher was opened (the rest came from the hash cache).</summary>
    public int FilesRead { get; private set; }

    /// <summary>
    /// A hasher for paths relative to <paramref name="root"/>, with its hash cache in <paramref name="cacheFolder"/>
    /// (created on save; null for none). A missing or unreadable cache starts empty.
    /// </summary>
    public static ContentHasher Open(string root, string? cacheFolder)
    {
        var fullRoot = Path.GetFullPath(root);
        if (cacheFolder is null)
        {
            return new ContentHasher(fullRoot, null, new Dictionary<string, HashCacheEntry>(StringComparer.Ordinal));
        }
        var path = Path.Combine(cacheFolder, CacheFileName);
        Dictionary<string, HashCacheEntry> entries;
        try
        {
            entries = HashCacheFile.Read(File.ReadAllText(path));
            // Racy git: a file changed within the same clock tick as the cache was written could keep its stamp, so
            // entries not strictly older than the cache file are read again.
            var written = PathStamp.Read(path).LastWriteTicks;
            foreach (var key in entries.Where(e => e.Value.Stamp.LastWriteTicks >= written).Select(e => e.Key).ToArray())
            {
                entries.Remove(key);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entries = new Dictionary<string, HashCacheEntry>(StringComparer.Ordinal);
        }
        return new ContentHasher(fullRoot, path, entries);
    }

    /// <summary>
    /// The hash of the file or folder at <paramref name="relativePath"/> ('/'-separated, relative to the root), or null
    /// when it does not exist. Folders skip symbolic links and <c>.keel</c>/<c>.git</c> folders; an empty folder hashes
    /// like any folder with no files.
    /// </summary>
    public string? Hash(string relativePath)
    {
        var full = Path.Combine(_root, relativePath);
        var stamp = PathStamp.Read(full);
        return stamp.Kind switch
        {
            PathKind.File => HashFile(Normalize(relativePath), full, stamp),
            PathKind.Directory => HashFolder(Normalize(relativePath), full),
            // A linked file is read every time: its own stamp says nothing about its target's content.
            PathKind.SymbolicLink when File.Exists(full) => HashUncached(full),
            PathKind.SymbolicLink when Directory.Exists(full) => HashFolder(Normalize(relativePath), full),
            _ => null,
        };
    }

    /// <summary>Writes the hash cache if anything was learned (temporary file renamed into place); failures are ignored, as the cache only saves work.</summary>
    public void Save()
    {
        if (_cachePath is null)
        {
            return;
        }
        string text;
        lock (_gate)
        {
            if (!_changed)
            {
                return;
            }
            text = HashCacheFile.Write(_entries);
            _changed = false;
        }
        var temporary = _cachePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_cachePath)!);
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            File.Move(temporary, _cachePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
        }
    }

    /// <summary>The folder hash of already hashed files: SHA-256 over "path\0hash\n" for each (path, hash), in ordinal path order.</summary>
    public static string FolderHash(IEnumerable<KeyValuePair<string, string>> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, hash) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{path}\0{hash}\n"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private string HashUncached(string full)
    {
        using var stream = File.OpenRead(full);
        lock (_gate)
        {
            FilesRead++;
        }
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private string HashFile(string key, string full, PathStamp stamp)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var known) && known.Stamp == stamp with { Kind = PathKind.File })
            {
                return known.Hash;
            }
        }
        string hash;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16, FileOptions.SequentialScan))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        // A file rewritten while it was read must not be remembered under the stamp it had before.
        var after = PathStamp.Read(full);
        lock (_gate)
        {
            FilesRead++;
            if (after == stamp)
            {
                _entries[key] = new HashCacheEntry(stamp with { Kind = PathKind.File }, hash);
                _changed = true;
            }
        }
        return hash;
    }

    private string HashFolder(string key, string full)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        var files = new FileSystemEnumerable<string>(full, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry entry) => !entry.FileName.SequenceEqual(".keel") && !entry.FileName.SequenceEqual(".git"),
        };
        var hashes = new List<KeyValuePair<string, string>>();
        foreach (var file in files)
        {
            var stamp = PathStamp.Read(file);
            if (stamp.Kind != PathKind.File)
            {
                continue;
            }
            var inside = Path.GetRelativePath(full, file).Replace(Path.DirectorySeparatorChar, '/');
            hashes.Add(new(inside, HashFile(key.Length == 0 ? inside : key + "/" + inside, file, stamp)));
        }
        return FolderHash(hashes);
    }

    private static string Normalize(string relativePath) => relativePath.Replace('\\', '/').TrimEnd('/') is var p && p is "." ? "" : p;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stray temporary file is harmless and never read.
        }
    }
}
