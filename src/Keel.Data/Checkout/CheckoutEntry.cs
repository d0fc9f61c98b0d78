namespace Keel.Data.Checkout;

/// <summary>What checkout does, or did, to one path of the working tree.</summary>
public enum CheckoutChange
{
    /// <summary>Already matched its manifest; not touched.</summary>
    Unchanged,

    /// <summary>Was missing; written from the cache.</summary>
    Created,

    /// <summary>Differed from its manifest; replaced from the cache (its old content was in the cache, or --force).</summary>
    Overwritten,

    /// <summary>In a tracked folder but not in its manifest, or in the way of a tracked file; deleted (--force only).</summary>
    Removed,

    /// <summary>In a tracked folder but not in its manifest; left in place (without --force).</summary>
    Untracked,
}

/// <summary>
/// One path checkout looked at: repository-relative and '/'-separated, the change, and its size in bytes (the manifest's
/// size for written or unchanged files, the size on disk for removed or untracked ones).
/// </summary>
public sealed record CheckoutEntry(string Path, CheckoutChange Change, long Size);

/// <summary>What a checkout did, path by path (ordered by path), with totals.</summary>
public sealed record CheckoutResult(IReadOnlyList<CheckoutEntry> Entries)
{
    public int RestoredFiles => Count(CheckoutChange.Created) + Count(CheckoutChange.Overwritten);

    /// <summary>Bytes written to the working tree.</summary>
    public long RestoredBytes => Bytes(CheckoutChange.Created) + Bytes(CheckoutChange.Overwritten);

    public int RemovedFiles => Count(CheckoutChange.Removed);

    public long RemovedBytes => Bytes(CheckoutChange.Removed);

    public int UnchangedFiles => Count(CheckoutChange.Unchanged);

    public long UnchangedBytes => Bytes(CheckoutChange.Unchanged);

    public int UntrackedFiles => Count(CheckoutChange.Untracked);

    private int Count(CheckoutChange change) => Entries.Count(e => e.Change == change);

    private long Bytes(CheckoutChange change) => Entries.Where(e => e.Change == change).Sum(e => e.Size);
}
