using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Core.Datasets;
using Keel.Core.Pipelines;

namespace Keel.Workers.Stages;

/// <summary>
/// Dataset deps on a worker, which opens the server's stores itself: the version (the newest one when the dep names
/// none) comes from the dataset store, its manifest and chunks from the data-object store (decoded and verified
/// against their hashes), and its files are written at the dep's path. The manifest hash is the dep's hash, as in
/// <c>keel run</c>, so both agree on a stage's run-cache key.
/// </summary>
/// <param name="datasets">Registered datasets and their versions.</param>
/// <param name="objects">Data chunks and manifests.</param>
public sealed class StoreDatasetDeps(IDatasetStore datasets, DataObjectStore objects)
{
    /// <summary>Writes the dep's dataset version under <paramref name="root"/> and returns its manifest hash.</summary>
    public async Task<string> MaterializeAsync(StageDep dep, string root, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dep);
        var name = dep.Dataset ?? throw new ArgumentException("Not a dataset dep.", nameof(dep));
        var version = await ResolveAsync(name, dep.Version, ct);
        byte[] json;
        await using (var stream = await objects.OpenReadAsync(version.ManifestHash, ct))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            json = buffer.ToArray();
        }
        var manifest = DataManifest.Parse(json);
        var target = Path.GetFullPath(Path.Combine(root, dep.Path));
        foreach (var file in manifest.Files)
        {
            var path = manifest.IsDirectory ? Path.GetFullPath(Path.Combine(target, file.Path)) : target;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var output = File.Create(path);
            foreach (var chunk in file.Chunks)
            {
                await using var content = await objects.OpenReadAsync(chunk.Hash, ct);
                await content.CopyToAsync(output, ct);
            }
        }
        return version.ManifestHash;
    }

    private async Task<DatasetVersion> ResolveAsync(string name, long? number, CancellationToken ct)
    {
        if (number is { } v)
        {
            return await datasets.GetVersionAsync(name, v, ct)
                ?? throw KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"deps: dataset '{name}' has no version {v}"));
        }
        var newest = await datasets.ListVersionsAsync(name, 1, 0, ct);
        return newest.Items.Count > 0
            ? newest.Items[0]
            : throw KeelException.NotFound($"deps: dataset '{name}' has no version yet");
    }
}
