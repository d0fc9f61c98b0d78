namespace Keel.Data.StatCache;

/// <summary>What a path is on disk, as far as tracking data cares.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, socket or device: reading it may block forever or never end, so it is never tracked.</summary>
    Special,
}

/// <summary>
/// The metadata that tells whether a file changed without reading it, as git's index keeps it: size, last-write
/// time and change time (UTC ticks) and inode. On Linux all four come from <c>statx</c>; elsewhere the inode is 0 and
/// the change time is the creation time, which still changes when a file is replaced.
/// </summary>
internal readonly record struct FileStamp(long Size, long LastWriteTicks, long ChangeTicks, ulong Inode);

/// <summary>A path's kind and, for anything that exists, its stamp.</summary>
internal readonly record struct FileStatus(FileKind Kind, FileStamp Stamp);
