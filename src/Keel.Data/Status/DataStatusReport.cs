using Keel.Data.Repository;

namespace Keel.Data.Status;

/// <summary>How a tracked file or folder compares with the manifest its pointer names.</summary>
public enum TrackedState
{
    /// <summary>Every file matches the manifest.</summary>
    Unchanged,

    /// <summary>Files were added, removed or changed (see <see cref="TrackedStatus.Changes"/>).</summary>
    Modified,

    /// <summary>The pointer exists but the data it tracks does not (restore it with <c>keel data checkout</c>).</summary>
    Missing,

    /// <summary>The manifest is not in the local cache, so nothing can be compared (fetch it with <c>keel data pull</c>).</summary>
    ManifestNotCached,
}

public enum FileChangeKind
{
    Added,
    Removed,
    Modified,
}

/// <summary>One file that differs from the manifest: its path inside the tracked folder (or the tracked file's name).</summary>
public sealed record FileChange(string Path, FileChangeKind Kind);

/// <summary>The status of one pointer: its state, and for <see cref="TrackedState.Modified"/> the files that differ, by path.</summary>
public sealed record TrackedStatus(TrackedData Tracked, TrackedState State, IReadOnlyList<FileChange> Changes);

/// <summary>The status of every pointer checked, ordered by path, and how many bytes of file content had to be read.</summary>
public sealed record DataStatusReport(IReadOnlyList<TrackedStatus> Items, long BytesRead)
{
    public bool IsClean => Items.All(i => i.State == TrackedState.Unchanged);
}
