using Keel.Core.Data.Manifests;

namespace Keel.Data.StatCache;

/// <summary>
/// Remembers, like git's index, each file's <see cref="FileStamp"/> when it was last hashed and the chunks it had, so
/// adding or checking an unchanged file needs one metadata call and no read. Kept in <c>.keel/cache/stat-cache</c>
/// (see <see cref="StatCacheFile"/>) and replaced atomically; a damaged or unknown file is ignored and rebuilt.
/// Chunks are remembered whatever chunk sizes produced them: an unchanged file keeps its chunks, so re-adding it
/// gives the same manifest. Safe to use from several threads.
/// </summary>
internal sealed class FileStatCache
{
    public const string FileName = "stat-cache";

    private readonly string _path;
    private readonly Dictionary<string, StatEntry> _entries;
    private readonly Lock _gate = new();
    private bool _changed;

    private FileStatCache(string path, Dictionary<string, StatEntry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Reads the stat cache in <paramref name="cacheRoot"/>; a missing or unusable one gives an empty cache.</summary>
    public static FileStatCache Load(string cacheRoot)
    {
        var path = Path.Combine(cacheRoot, FileName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileStatCache(path, new Dictionary<string, StatEntry>(StringComparer.Ordinal));
        }
        var written = FileStamps.Read(path).Stamp.LastWriteTicks;
        var entries = StatCacheFile.TryRead(bytes) ?? new Dictionary<string, StatEntry>(StringComparer.Ordinal);
        // Racy git: a file written in the same clock tick as the cache could change again within that tick and keep
        // its stamp, so entries not strictly older than the cache file are dropped and their files read again.
        var racy = entries.Where(e => e.Value.Stamp.LastWriteTicks >= written).Select(e => e.Key).ToArray();
        foreach (var key in racy)
        {
            entries.Remove(key);
        }
        return new FileStatCache(path, entries) { _changed = racy.Length > 0 };
    }

    /// <summary>The remembered chunks of <paramref name="relativePath"/> when its stamp is still <paramref name="stamp"/>; else null.</summary>
    public IReadOnlyList<ChunkRef>? Find(string relativePath, FileStamp stamp)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(relativePath, out var entry) && entry.Stamp == stamp ? entry.Chunks : null;
        }
    }

    public void Record(string relativePath, FileStamp stamp, IReadOnlyList<ChunkRef> chunks)
    {
        lock (_gate)
        {
            _entries[relativePath] = new StatEntry(stamp, chunks);
            _changed = true;
        }
    }

    /// <summary>Drops entries of files below <paramref name="folderRelative"/> that are not in <paramref name="present"/>.</summary>
    public void ForgetOthersBelow(string folderRelative, IReadOnlySet<string> present)
    {
        var prefix = folderRelative + "/";
        lock (_gate)
        {
            var gone = _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !present.Contains(k)).ToArray();
            foreach (var key in gone)
            {
                _entries.Remove(key);
            }
            _changed |= gone.Length > 0;
        }
    }

    /// <summary>
    /// Writes the cache if anything changed, to a temporary file renamed into place. A failure is ignored: the stat
    /// cache only saves work, and the next run simply reads the files again.
    /// </summary>
    public void Save()
    {
        byte[] bytes;
        lock (_gate)
        {
            if (!_changed)
            {
                return;
            }
            bytes = StatCacheFile.Write(_entries);
            _changed = false;
        }
        var temporary = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: a stray temporary file is harmless and never read.
            }
        }
    }
}
