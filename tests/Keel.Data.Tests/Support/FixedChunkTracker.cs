using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Cache;
using Keel.Data.Repository;

namespace Keel.Data.Tests.Support;

/// <summary>
/// Tracks data the simplest possible way, so checkout, diff and gc can be tested without the real chunker: fixed-size
/// chunks (a manifest does not care how chunks were cut), stored with the manifest in the cache, and a pointer file
/// written beside the data.
/// </summary>
internal static class FixedChunkTracker
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>Tracks the file or folder at <paramref name="path"/>; returns the pointer it wrote.</summary>
    public static DataPointer Track(DataRepository repository, string path, int chunkSize = ChunkSize)
    {
        var manifest = Manifest(repository.Cache, path, chunkSize);
        var hash = Store(repository.Cache, manifest);
        var full = Path.GetFullPath(path);
        var pointer = new DataPointer(Path.GetFileName(full), manifest.IsDirectory, hash, manifest.TotalSize, manifest.FileCount);
        File.WriteAllText(full + DataPointer.Extension, pointer.ToYaml());
        return pointer;
    }

    /// <summary>Chunks the file or folder into the cache and returns its manifest (not stored).</summary>
    public static DataManifest Manifest(LocalObjectCache cache, string path, int chunkSize = ChunkSize)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return new DataManifest(false, [Chunk(cache, full, Path.GetFileName(full), chunkSize)]);
        }
        var files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Select(f => Chunk(cache, f, Path.GetRelativePath(full, f).Replace(Path.DirectorySeparatorChar, '/'), chunkSize));
        return new DataManifest(true, files);
    }

    /// <summary>Puts a manifest's canonical JSON in the cache and returns its hash.</summary>
    public static string Store(LocalObjectCache cache, DataManifest manifest)
    {
        var json = manifest.ToCanonicalJson();
        var hash = ContentHash.Of(json);
        cache.Put(hash, json);
        return hash;
    }

    private static ManifestFile Chunk(LocalObjectCache cache, string file, string relative, int chunkSize)
    {
        var bytes = File.ReadAllBytes(file);
        var chunks = new List<ChunkRef>();
        for (var start = 0; start < bytes.Length; start += chunkSize)
        {
            var piece = bytes.AsSpan(start, Math.Min(chunkSize, bytes.Length - start));
            var hash = ContentHash.Of(piece);
            cache.Put(hash, piece);
            chunks.Add(new ChunkRef(hash, piece.Length));
        }
        return new ManifestFile(relative, bytes.Length, chunks);
    }
}
