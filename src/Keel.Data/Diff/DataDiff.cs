using Keel.Core.Data.Manifests;

namespace Keel.Data.Diff;

/// <summary>Compares two versions of a tracked file or folder by their manifests, without reading any chunk.</summary>
public static class DataDiff
{
    /// <summary>
    /// Files added, removed and modified from <paramref name="a"/> to <paramref name="b"/>. Two single-file manifests
    /// are compared as one file (under B's name) even when the file was renamed, since a pointer tracks one file either way.
    /// </summary>
    public static ManifestDiff Compare(DataManifest a, DataManifest b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var before = Index(a, b);
        var after = b.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var changes = new List<FileChange>();
        var unchangedFiles = 0;
        long unchangedBytes = 0;
        foreach (var file in b.Files)
        {
            if (!before.TryGetValue(file.Path, out var old))
            {
                changes.Add(new FileChange(file.Path, FileChangeKind.Added, null, Version(file), 0));
            }
            else if (SameChunks(old, file))
            {
                unchangedFiles++;
                unchangedBytes += file.Size;
            }
            else
            {
                changes.Add(new FileChange(file.Path, FileChangeKind.Modified, Version(old), Version(file), SharedBytes(old, file)));
            }
        }
        foreach (var file in before.Values.Where(f => !after.ContainsKey(f.Path)))
        {
            changes.Add(new FileChange(file.Path, FileChangeKind.Removed, Version(file), null, 0));
        }
        changes.Sort((x, y) => string.CompareOrdinal(x.Path, y.Path));
        return new ManifestDiff(changes, unchangedFiles, unchangedBytes, NewChunkBytes(a, b));
    }

    private static Dictionary<string, ManifestFile> Index(DataManifest a, DataManifest b) =>
        !a.IsDirectory && !b.IsDirectory
            ? new Dictionary<string, ManifestFile>(StringComparer.Ordinal) { [b.Files[0].Path] = a.Files[0] with { Path = b.Files[0].Path } }
            : a.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);

    private static FileVersion Version(ManifestFile file) => new(file.Size, file.Chunks.Count);

    private static bool SameChunks(ManifestFile x, ManifestFile y) =>
        x.Size == y.Size && x.Chunks.Select(c => c.Hash).SequenceEqual(y.Chunks.Select(c => c.Hash), StringComparer.Ordinal);

    // A multiset match: a chunk repeated twice in B but once in A shares its bytes once.
    private static long SharedBytes(ManifestFile old, ManifestFile current)
    {
        var available = old.Chunks.GroupBy(c => c.Hash, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long shared = 0;
        foreach (var chunk in current.Chunks)
        {
            if (available.TryGetValue(chunk.Hash, out var count) && count > 0)
            {
                available[chunk.Hash] = count - 1;
                shared += chunk.Size;
            }
        }
        return shared;
    }

    private static long NewChunkBytes(DataManifest a, DataManifest b)
    {
        var known = a.ChunkHashes().ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return b.Files.SelectMany(f => f.Chunks).Where(c => !known.Contains(c.Hash) && seen.Add(c.Hash)).Sum(c => c.Size);
    }
}
