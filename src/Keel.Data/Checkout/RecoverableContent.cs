using System.Text;
using Keel.Core.Common;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;

namespace Keel.Data.Checkout;

/// <summary>
/// Answers "could this working file be restored from the cache if checkout replaced it?": true when some manifest in
/// the cache lists a file of the same size whose chunks are all present and match the file's bytes. Without the
/// chunker the file's own chunks cannot be recomputed, so the cached manifests are the only index there is; they are
/// found by sniffing each object's first bytes, once, and only when a modified file needs the answer.
/// </summary>
internal sealed class RecoverableContent(LocalObjectCache cache)
{
    // DataManifest.ToCanonicalJson always starts this way; chunks are arbitrary bytes and almost never do.
    private static readonly byte[] ManifestPrefix = Encoding.UTF8.GetBytes("{\"version\":");

    private readonly Lazy<ILookup<long, ManifestFile>> _bySize = new(() => IndexManifests(cache), LazyThreadSafetyMode.ExecutionAndPublication);

    public bool Holds(string path, long size, CancellationToken ct)
    {
        if (size == 0)
        {
            return true;
        }
        foreach (var candidate in _bySize.Value[size])
        {
            if (candidate.Chunks.All(c => cache.Contains(c.Hash)) && ChunkRanges.Match(path, size, candidate.Chunks, ct))
            {
                return true;
            }
        }
        return false;
    }

    private static ILookup<long, ManifestFile> IndexManifests(LocalObjectCache cache)
    {
        var files = new List<ManifestFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hash in cache.EnumerateHashes())
        {
            if (!LooksLikeManifest(cache.PathOf(hash)))
            {
                continue;
            }
            DataManifest manifest;
            try
            {
                manifest = DataManifest.Parse(cache.ReadVerified(hash));
            }
            catch (Exception e) when (e is KeelException or CorruptObjectException or IOException)
            {
                // A chunk that merely starts like JSON, or a damaged manifest: neither proves anything is recoverable.
                continue;
            }
            // Versions of a tree share most files; compare each distinct chunk list once.
            files.AddRange(manifest.Files.Where(f => f.Size > 0 && seen.Add(string.Join(',', f.Chunks.Select(c => c.Hash)))));
        }
        return files.ToLookup(f => f.Size);
    }

    private static bool LooksLikeManifest(string path)
    {
        Span<byte> head = stackalloc byte[ManifestPrefix.Length];
        try
        {
            using var file = File.OpenRead(path);
            return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(ManifestPrefix);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
