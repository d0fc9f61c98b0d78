using Keel.Data.Repository;

namespace Keel.Data.Gc;

/// <summary>
/// Frees the local cache (<c>keel data gc</c>): removes every chunk and manifest that no pointer file in the working
/// tree references and that <see cref="GcOptions.Keep"/> does not name, except objects a kept chunk is delta-encoded
/// against (an old version's chunk stays while a live chunk is stored as its delta). Only the local cache is touched: dataset
/// versions registered on the server, and anything pushed there, stay safe because the server keeps its own copy of
/// their chunks and a later <c>keel data pull</c> brings them back. Pointers that exist only in other git commits or
/// branches are not looked at; keep their manifests with <see cref="GcOptions.Keep"/> or pull them again later.
/// </summary>
public sealed class DataGc(DataRepository repository, TimeProvider time)
{
    /// <summary>
    /// Collects (or with <see cref="GcOptions.DryRun"/> only lists) unreferenced objects. Throws a KeelException, having
    /// deleted nothing, when a pointer file is malformed or a referenced manifest is missing or corrupt in the cache.
    /// </summary>
    public GcReport Run(GcOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (manifests, live) = GcReferences.Collect(repository, options.Keep, ct);
        var cutoff = time.GetUtcNow().UtcDateTime - options.GracePeriod;
        var removed = new List<GcObject>();
        int kept = 0, recent = 0;
        long keptBytes = 0, recentBytes = 0;
        foreach (var hash in repository.Cache.EnumerateHashes().Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var file = new FileInfo(repository.Cache.PathOf(hash));
            if (!file.Exists)
            {
                continue;
            }
            if (live.Contains(hash))
            {
                kept++;
                keptBytes += file.Length;
            }
            else if (file.LastWriteTimeUtc > cutoff)
            {
                recent++;
                recentBytes += file.Length;
            }
            else
            {
                if (!options.DryRun)
                {
                    repository.Cache.Delete(hash);
                }
                removed.Add(new GcObject(hash, file.Length));
            }
        }
        return new GcReport(options.DryRun, manifests, removed, kept, keptBytes, recent, recentBytes);
    }
}
