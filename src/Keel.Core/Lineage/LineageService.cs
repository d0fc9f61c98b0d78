using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Core.Lineage;

/// <summary>Traces a model version back to the run, code, params, metrics and data that produced it.</summary>
public sealed class LineageService(RegistryService registry, ITrackingStore tracking)
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
            run.Inputs));
    }

    private static string? TagValue(Run run, string key) => run.Tags.FirstOrDefault(t => t.Key == key)?.Value;
}
