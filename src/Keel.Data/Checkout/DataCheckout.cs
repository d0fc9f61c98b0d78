using Keel.Data.Repository;

namespace Keel.Data.Checkout;

/// <summary>
/// Restores the working copy of tracked files and folders to match their pointer files, from the local cache
/// (<c>keel data checkout</c>). Files already right are not rewritten; every written file goes through a temporary file
/// and a rename; chunks are verified as they are read. A file whose content differs from its manifest is replaced only
/// when that content is itself in the cache (so nothing is lost) or with <c>force</c>; files in a tracked folder that
/// its manifest does not list are left in place and reported, and deleted only with <c>force</c>.
/// </summary>
public sealed class DataCheckout(DataRepository repository)
{
    /// <summary>
    /// Plans the checkout of <paramref name="targets"/> (pointer files, tracked paths or folders to search, relative to
    /// <paramref name="workingDirectory"/>; none means every pointer in the repository). Reads, never writes. Throws a
    /// KeelException when a manifest or chunk is missing from the cache, or when the checkout would lose data and
    /// <paramref name="force"/> is false.
    /// </summary>
    public CheckoutPlan Plan(IReadOnlyCollection<string> targets, string workingDirectory, bool force, CancellationToken ct = default) =>
        Plan(repository.FindTracked(targets, workingDirectory), force, ct);

    /// <inheritdoc cref="Plan(IReadOnlyCollection{string}, string, bool, CancellationToken)"/>
    public CheckoutPlan Plan(IReadOnlyList<TrackedData> items, bool force, CancellationToken ct = default) =>
        new CheckoutPlanner(repository, force).Plan(items, ct);

    /// <summary>
    /// Carries out <paramref name="plan"/>: deletions first, then writes. <paramref name="progress"/> receives the total
    /// bytes written so far. A corrupt chunk stops the checkout with a KeelException naming the file and the chunk; files
    /// written before it are complete, the file being written is left as it was.
    /// </summary>
    public CheckoutResult Apply(CheckoutPlan plan, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var removal in plan.Removals)
        {
            ct.ThrowIfCancellationRequested();
            CheckoutWriter.Remove(removal);
        }
        long total = 0;
        foreach (var write in plan.Writes)
        {
            CheckoutWriter.Write(repository.Cache, write, bytes => progress?.Report(total += bytes), ct);
        }
        return new CheckoutResult(plan.Entries);
    }

    /// <summary>Plans and applies in one step; see <see cref="Plan(IReadOnlyCollection{string}, string, bool, CancellationToken)"/> and <see cref="Apply"/>.</summary>
    public CheckoutResult Run(IReadOnlyCollection<string> targets, string workingDirectory, bool force, IProgress<long>? progress = null, CancellationToken ct = default) =>
        Apply(Plan(targets, workingDirectory, force, ct), progress, ct);
}
