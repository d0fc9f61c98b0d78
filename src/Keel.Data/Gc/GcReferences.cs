using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Data.Checkout;
using Keel.Data.Repository;

namespace Keel.Data.Gc;

/// <summary>
/// The live set of the cache: every manifest named by a pointer file in the working tree or kept explicitly, and every
/// chunk those manifests list. Any doubt (a malformed pointer, a manifest missing or damaged, so its chunks cannot be
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
        return ([.. owners.Keys], live);
    }
}
