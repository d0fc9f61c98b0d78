using System.Collections.Concurrent;
using System.Globalization;
using Keel.Client;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Pipelines;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Snapshots;

namespace Keel.Pipelines.Datasets;

/// <summary>
/// Dataset deps (<c>{dataset: churn-train, version: 3, path: data/churn.csv}</c>): the version's manifest hash comes
/// from the Keel server (it is the dep's hash in keel.lock; no version = the newest when the run is planned), and its
/// files are pulled into <c>.keel/cache</c> and checked out at the dep's path before the stage runs.
/// </summary>
/// <param name="client">The Keel server's client; null when none is configured (a dataset dep is then an error).</param>
/// <param name="repository">The data repository holding the pipeline.</param>
public sealed class DatasetDeps(KeelClient? client, DataRepository repository)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _manifests = new(StringComparer.Ordinal);

    /// <summary>The manifest hash of the dep's dataset version (asked once per dataset and version per instance).</summary>
    public Task<string> ResolveAsync(StageSpec stage, StageDep dep, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(dep);
        var name = dep.Dataset ?? throw new ArgumentException("Not a dataset dep.", nameof(dep));
        var server = client ?? throw KeelException.InvalidParameter(
            $"stage '{stage.Name}' depends on dataset '{name}': set --tracking-uri or KEEL_TRACKING_URI to the Keel server that holds it.");
        var key = dep.Version is { } v ? $"{name}@{v.ToString(CultureInfo.InvariantCulture)}" : name;
        return _manifests.GetOrAdd(key, _ => new Lazy<Task<string>>(() => FetchManifestHashAsync(server, stage, name, dep.Version, ct))).Value;
    }

    /// <summary>Pulls the dep's dataset version (when not already cached) and checks it out at the dep's path under <paramref name="pipelineRoot"/>.</summary>
    public async Task MaterializeAsync(StageSpec stage, StageDep dep, string pipelineRoot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dep);
        var manifest = await ResolveAsync(stage, dep, ct);
        var snapshots = new TreeSnapshots(repository);
        var target = Path.GetFullPath(Path.Combine(pipelineRoot, dep.Path));
        if (!snapshots.CanRestore(manifest))
        {
            var name = Path.GetFileName(target);
            var pointer = new DataPointer(name, IsDirectory: false, manifest, 0, 0, dep.Dataset);
            var item = new TrackedData(target + DataPointer.Extension, pointer, target, repository.Relative(target));
            await new DataTransfer(client!, repository.Cache).PullAsync([item], ct: ct);
        }
        snapshots.Restore(manifest, target, ct);
    }

    private static async Task<string> FetchManifestHashAsync(KeelClient server, StageSpec stage, string name, long? version, CancellationToken ct)
    {
        try
        {
            if (version is { } v)
            {
                return (await server.GetDatasetVersionAsync(name, v, ct)).ManifestHash;
            }
            var newest = await server.ListDatasetVersionsAsync(name, maxResults: 1, ct: ct);
            return newest.DatasetVersions.Count > 0
                ? newest.DatasetVersions[0].ManifestHash
                : throw KeelException.InvalidParameter($"stage '{stage.Name}' depends on dataset '{name}', which has no version yet.");
        }
        catch (KeelApiException e)
        {
            var which = version is { } n ? $"version {n.ToString(CultureInfo.InvariantCulture)} of dataset '{name}'" : $"dataset '{name}'";
            throw KeelException.InvalidParameter($"stage '{stage.Name}' depends on {which}: {e.Message}");
        }
    }
}
