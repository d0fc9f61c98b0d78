using Keel.Data.StatCache;

namespace Keel.Data.Snapshots;

/// <summary>What a path is on disk.</summary>
public enum PathKind
{
    Missing,
    File,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, socket or device.</summary>
    Special,
}

/// <summary>
/// A path's kind and the metadata that tells whether a file changed without reading it (size, last-write and change
/// time in UTC ticks, inode), as git's index keeps it. Read without following symbolic links.
/// </summary>
public readonly record struct PathStamp(PathKind Kind, long Size, long LastWriteTicks, long ChangeTicks, ulong Inode)
{
    /// <summary>Reads the stamp of <paramref name="path"/> (one <c>statx</c> call on Linux); a missing path gives <see cref="PathKind.Missing"/>.</summary>
    public static PathStamp Read(string path)
    {
        var status = FileStamps.Read(path);
        var kind = status.Kind switch
        {
            FileKind.Regular => PathKind.File,
            FileKind.Directory => PathKind.Directory,
            FileKind.SymbolicLink => PathKind.SymbolicLink,
            FileKind.Special => PathKind.Special,
            _ => PathKind.Missing,
        };
        return new PathStamp(kind, status.Stamp.Size, status.Stamp.LastWriteTicks, status.Stamp.ChangeTicks, status.Stamp.Inode);
    }
}
