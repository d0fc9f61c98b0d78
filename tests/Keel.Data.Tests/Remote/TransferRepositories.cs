using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Add;
using Keel.Data.Cache;
using Keel.Data.Repository;

namespace Keel.Data.Tests.Remote;

/// <summary>What the push/pull tests do to their repositories: list, clone, add a version, rebuild a file from a cache.</summary>
internal static class TransferRepositories
{
    public static IReadOnlyList<TrackedData> All(DataRepository repository) => repository.FindTracked([], repository.Root);

    /// <summary>Makes <paramref name="clone"/> a clone of <paramref name="source"/>: the pointer files only (what git holds), the cache left empty.</summary>
    public static DataRepository CopyPointers(DataRepository source, DataRepository clone)
    {
        foreach (var pointer in Directory.GetFiles(source.Root, "*" + DataPointer.Extension))
        {
            File.Copy(pointer, Path.Combine(clone.Root, Path.GetFileName(pointer)));
        }
        return clone;
    }

    public static byte[] Rebuild(LocalObjectCache cache, ManifestFile file) => [.. file.Chunks.SelectMany(c => cache.ReadVerified(c.Hash))];

    /// <summary>Writes and adds a version of table.csv (dated an hour back, so the stat cache cannot mistake it), returning its manifest.</summary>
    public static DataManifest AddVersion(DataRepository repository, byte[] content, DataAddOptions options)
    {
        var path = Path.Combine(repository.Root, "table.csv");
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddMinutes(-60));
        var hash = Assert.Single(new DataAdder(repository, options).Add([path], repository.Root)).ManifestHash;
        return DataManifest.Parse(repository.Cache.ReadVerified(hash));
    }
}
