namespace Keel.Data.Diff;

/// <summary>How a file differs between two versions of a tracked tree.</summary>
public enum FileChangeKind
{
    Added,
    Removed,
    Modified,
}

/// <summary>One side of a changed file: its size in bytes and how many chunks it was cut into.</summary>
public sealed record FileVersion(long Size, int ChunkCount);

/// <summary>
/// A file added, removed or modified between version A and version B. <see cref="Before"/> is null for an added file,
/// <see cref="After"/> for a removed one. <see cref="SharedBytes"/> counts the bytes of B's chunks that A also has
/// (each chunk of A matched at most once), so it is what a modified file did not have to store again; 0 otherwise.
/// </summary>
public sealed record FileChange(string Path, FileChangeKind Kind, FileVersion? Before, FileVersion? After, long SharedBytes);

/// <summary>
/// The file-level difference between two manifests, ordered by path (ordinal). <see cref="NewChunkBytes"/> is the
/// size of the distinct chunks B references that A does not: what storing B costs on top of A.
/// </summary>
public sealed record ManifestDiff(IReadOnlyList<FileChange> Changes, int UnchangedFiles, long UnchangedBytes, long NewChunkBytes)
{
    public IEnumerable<FileChange> Added => Changes.Where(c => c.Kind == FileChangeKind.Added);

    public IEnumerable<FileChange> Removed => Changes.Where(c => c.Kind == FileChangeKind.Removed);

    public IEnumerable<FileChange> Modified => Changes.Where(c => c.Kind == FileChangeKind.Modified);

    public bool IsEmpty => Changes.Count == 0;
}
