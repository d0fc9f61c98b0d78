using System.Text;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Repository;

namespace Keel.Data.Tests.Remote;

/// <summary>
/// Writes tracked data straight into a repository's cache, as <c>keel data add</c> would leave it: fixed-size chunks,
/// a manifest, the files themselves and a pointer file. Independent of the chunker, so these tests see only transfer.
/// </summary>
internal static class TrackedDataBuilder
{
    public const int ChunkSize = 1024;

    /// <summary>Tracks a folder <paramref name="name"/> holding <paramref name="files"/> (path → bytes).</summary>
    public static TrackedData Folder(DataRepository repository, string name, IReadOnlyDictionary<string, byte[]> files, string? dataset = null)
    {
        var entries = files.Select(f => Store(repository, Path.Combine(repository.Root, name), f.Key, f.Value)).ToArray();
        return Finish(repository, name, new DataManifest(true, entries), dataset);
    }

    /// <summary>Tracks one file <paramref name="name"/>.</summary>
    public static TrackedData File(DataRepository repository, string name, byte[] content, string? dataset = null) =>
        Finish(repository, name, new DataManifest(false, [Store(repository, repository.Root, name, content)]), dataset);

    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static ManifestFile Store(DataRepository repository, string folder, string relative, byte[] content)
    {
        var chunks = content.Chunk(ChunkSize).Select(part =>
        {
            var hash = ContentHash.Of(part);
            repository.Cache.Put(hash, part);
            return new ChunkRef(hash, part.Length);
        }).ToArray();
        var target = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        System.IO.File.WriteAllBytes(target, content);
        return new ManifestFile(relative, content.Length, chunks);
    }

    private static TrackedData Finish(DataRepository repository, string name, DataManifest manifest, string? dataset)
    {
        var json = manifest.ToCanonicalJson();
        var hash = ContentHash.Of(json);
        repository.Cache.Put(hash, json);
        var pointer = new DataPointer(name, manifest.IsDirectory, hash, manifest.TotalSize, manifest.FileCount, dataset);
        var pointerPath = Path.Combine(repository.Root, DataPointer.PointerFileName(name));
        System.IO.File.WriteAllText(pointerPath, pointer.ToYaml());
        return repository.ReadPointer(pointerPath);
    }
}
