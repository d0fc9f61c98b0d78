using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Storage;
using Keel.Data.Cache;
using Keel.Data.Checkout;
using Keel.Data.Repository;

namespace Keel.Data.Gc;

/// <summary>
/// The live set of the cache: every manifest named by a pointer file in the working tree or kept explicitly, every
/// chunk those manifests list, and every object those chunks are delta-encoded against (down each chain). Any doubt (a malformed pointer, a manifest missing or damaged, so its chunks cannot be
/// known) throws, because a collection from a partial live set would delete data still in use.
/// </summary>
internal static class GcReferences
{
    public static (IReadOnlyList<string> Manifests, HashSet<string> Live) Collect(DataRepository repository, IReadOnlyCollection<string> keep, CancellationToken ct)
    {
        var owners = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var hash in keep)
        {
            owners.TryAdd(ContentHash.Require(hash, "--keep"), $"--keep {hash}");
        }
        // FindTracked reads and parses every pointer below the root; a malformed one throws and ends the collection here.
        foreach (var item in repository.FindTracked([], repository.Root))
        {
            owners.TryAdd(item.Spec.Manifest, $"pointer file '{repository.Relative(item.PointerPath)}'");
        }
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (hash, owner) in owners)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                live.UnionWith(CachedManifest.Load(repository.Cache, hash, owner).ChunkHashes());
            }
            catch (KeelException e)
            {
                throw new KeelException(e.Code, $"{e.Message} Nothing was removed: its chunks cannot be told apart from garbage.", e);
            }
            live.Add(hash);
        }
        AddDeltaBases(repository.Cache, live, ct);
        return ([.. owners.Keys], live);
    }

    // A live object stored as a delta needs its base, and that base its own, down to a full object.
    private static void AddDeltaBases(LocalObjectCache cache, HashSet<string> live, CancellationToken ct)
    {
        var pending = new Queue<string>(live);
        while (pending.TryDequeue(out var hash))
        {
            ct.ThrowIfCancellationRequested();
            StoredObjectHeader? header;
            try
            {
                header = cache.Contains(hash) ? cache.ReadHeader(hash) : null;
            }
            catch (CorruptObjectException)
            {
                // A damaged header names no base; the object is reported when read.
                continue;
            }
            if (header?.BaseHash is { } baseHash && live.Add(baseHash))
            {
                pending.Enqueue(baseHash);
            }
        }
    }
}
