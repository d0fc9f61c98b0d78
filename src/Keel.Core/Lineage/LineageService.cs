using Keel.Core.Data;
using Keel.Core.Datasets;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Core.Lineage;

/// <summary>
/// Traces a model version back to the run, code, params, metrics and data that produced it. With a dataset store, a
/// run input whose digest is a data manifest's hash reaches the registered dataset version holding that manifest.
/// </summary>
public sealed class LineageService(RegistryService registry, ITrackingStore tracking, IDatasetStore? datasets = null)
{
    public const string GitCommitTag = "mlflow.source.git.commit";
    public const string SourceNameTag = "mlflow.source.name";
    public const string SourceTypeTag = "mlflow.source.type";

    public async Task<ModelVersionLineage> GetModelVersionLineageAsync(string? name, string? version, CancellationToken ct = default)
    {
        var modelVersion = await registry.GetModelVersionAsync(name, version, ct);
        // A run deleted for good since registration leaves the version without lineage rather than failing.
        var run = modelVersion.RunId.Length == 0 ? null : await tracking.GetRunAsync(modelVersion.RunId, ct);
        if (run is null)
        {
            return new ModelVersionLineage(modelVersion, null);
        }
        var experiment = await tracking.GetExperimentAsync(run.Info.ExperimentId, ct);
        return new ModelVersionLineage(modelVersion, new RunLineage(
            run.Info,
            experiment?.Name,
            TagValue(run, GitCommitTag),
            TagValue(run, SourceNameTag),
            TagValue(run, SourceTypeTag),
            run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray(),
            run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).ToArray(),
            run.Inputs,
            await DatasetVersionsAsync(run.Inputs, ct)));
    }

    private async Task<IReadOnlyList<InputDatasetVersion>> DatasetVersionsAsync(IReadOnlyList<DatasetInput> inputs, CancellationToken ct)
    {
        var found = new List<InputDatasetVersion>();
        if (datasets is null)
        {
            return found;
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i].Dataset;
            // MLflow's own digests (8 hex of a pandas hash, say) are not manifests; only a full SHA-256 can name one.
            if (!ContentHash.IsValid(input.Digest))
            {
                continue;
            }
            var versions = await datasets.FindVersionsByManifestAsync(input.Digest, ct);
            var best = versions.FirstOrDefault(v => v.Name == input.Name) ?? (versions.Count > 0 ? versions[0] : null);
            if (best is not null)
            {
                found.Add(new InputDatasetVersion(i, best));
            }
        }
        return found;
    }

    private static string? TagValue(Run run, string key) => run.Tags.FirstOrDefault(t => t.Key == key)?.Value;
}
