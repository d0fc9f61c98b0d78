namespace Keel.Data.Gc;

/// <summary>What <see cref="DataGc"/> keeps besides the working tree's pointers, and whether it deletes.</summary>
public sealed record GcOptions
{
    /// <summary>Manifest hashes to keep with all their chunks (e.g. a version named only in an older git commit). Default: none.</summary>
    public IReadOnlyCollection<string> Keep { get; init; } = [];

    /// <summary>List what would be removed without deleting anything. Default: false.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Objects written more recently than this are kept even when unreferenced, because a <c>keel data add</c> running
    /// at the same moment stores its chunks and manifest before it writes the pointer that references them. Default: 1 hour.
    /// </summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>A cache object: its hash and size in bytes.</summary>
public sealed record GcObject(string Hash, long Size);

/// <summary>
/// What a collection removed (or, in a dry run, would remove), ordered by hash, and what it kept: referenced objects,
/// and unreferenced ones younger than the grace period (<see cref="RecentObjects"/>).
/// </summary>
public sealed record GcReport(
    bool DryRun,
    IReadOnlyList<string> ReferencedManifests,
    IReadOnlyList<GcObject> Removed,
    int KeptObjects,
    long KeptBytes,
    int RecentObjects,
    long RecentBytes)
{
    public long RemovedBytes => Removed.Sum(o => o.Size);
}
