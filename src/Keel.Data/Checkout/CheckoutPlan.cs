using Keel.Core.Data.Manifests;
using Keel.Data.Repository;

namespace Keel.Data.Checkout;

/// <summary>A file to write: where, its repository-relative path, and the manifest entry whose chunks it is made of.</summary>
internal sealed record PlannedWrite(string FullPath, string RelativePath, ManifestFile File, CheckoutChange Change);

/// <summary>
/// A file, link or folder to delete before writing (--force only). Folders it leaves empty are deleted too, up to but not
/// including <paramref name="PruneUpTo"/> (the tracked folder); null for an obstacle that a written file replaces.
/// </summary>
internal sealed record PlannedRemoval(string FullPath, string RelativePath, long Size, string? PruneUpTo);

/// <summary>
/// What <see cref="DataCheckout.Apply"/> will do, decided before anything is written: the same entries its result will
/// list, and <see cref="BytesToWrite"/> for a progress bar. Making a plan reads the working tree but changes nothing.
/// </summary>
public sealed class CheckoutPlan
{
    internal CheckoutPlan(IReadOnlyList<TrackedData> items, IReadOnlyList<CheckoutEntry> entries, IReadOnlyList<PlannedWrite> writes, IReadOnlyList<PlannedRemoval> removals)
    {
        Items = items;
        Entries = entries;
        Writes = writes;
        Removals = removals;
    }

    /// <summary>The tracked files and folders being checked out.</summary>
    public IReadOnlyList<TrackedData> Items { get; }

    public IReadOnlyList<CheckoutEntry> Entries { get; }

    /// <summary>Bytes the plan writes, in total.</summary>
    public long BytesToWrite => Writes.Sum(w => w.File.Size);

    internal IReadOnlyList<PlannedWrite> Writes { get; }

    internal IReadOnlyList<PlannedRemoval> Removals { get; }
}
