using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;

namespace Keel.Data.Checkout;

/// <summary>Reads a manifest from the local cache with one clear line for each way it can fail (used by checkout, diff and gc).</summary>
internal static class CachedManifest
{
    // owner names what references the manifest in messages, e.g. "'data/train.csv'" or "--keep <hash>".
    public static DataManifest Load(LocalObjectCache cache, string hash, string owner)
    {
        if (!cache.Contains(hash))
        {
            throw KeelException.NotFound($"Manifest {hash} of {owner} is not in the local cache; run 'keel data pull' to fetch it.");
        }
        byte[] bytes;
        try
        {
            bytes = cache.ReadVerified(hash);
        }
        catch (CorruptObjectException e)
        {
            throw new KeelException(ErrorCode.InvalidState, $"Manifest {hash} of {owner} is corrupt in the local cache: {e.Message}", e);
        }
        try
        {
            return DataManifest.Parse(bytes);
        }
        catch (KeelException e)
        {
            throw new KeelException(e.Code, $"Manifest {hash} of {owner}: {e.Message}", e);
        }
    }
}
