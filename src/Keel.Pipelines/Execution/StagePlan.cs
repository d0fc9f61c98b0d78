using Keel.Core.Pipelines;
using Keel.Pipelines.Datasets;
using Keel.Pipelines.RunCache;

namespace Keel.Pipelines.Execution;

/// <summary>A stage's state on disk now, the decision taken on it, and the run-cache entry a Restore would use.</summary>
internal sealed record StagePlan(StageLock Current, StageDecision Decision, IReadOnlyDictionary<string, CachedOut>? CacheEntry);

/// <summary>Hashes a stage's deps and outs and asks <see cref="StagePlanner"/> what to do.</summary>
internal sealed class StagePlanning(PipelineWorkspace workspace, LoadedPipeline pipeline, LockStore locks, DatasetDeps datasets, PipelineRunOptions options)
{
    /// <summary>Value recorded for a path dep that does not exist (yet): never equal to a real hash.</summary>
    public const string MissingHash = "missing";

    /// <summary>True when outs are restored from and saved to the run cache in this run.</summary>
    public bool UsesRunCache => options.UseRunCache;

    public async Task<StagePlan> PlanAsync(StageSpec stage, IReadOnlyList<string> upstreamWillRun, CancellationToken ct)
    {
        var deps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dep in stage.Deps)
        {
            deps[dep.Path] = dep.IsDataset
                ? await datasets.ResolveAsync(stage, dep, ct)
                : workspace.Hash(dep.Path) ?? MissingHash;
        }
        var outs = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var path in stage.Writes)
        {
            if (workspace.Hash(path) is { } hash)
            {
                outs[path] = hash;
            }
            else
            {
                missing.Add(path);
            }
        }
        var current = new StageLock(stage.Name, stage.Cmd, deps, pipeline.Params.ValuesFor(stage), outs);
        // A run-cache entry is only trusted for real inputs: a dep that is missing now will be written by upstream.
        var entry = options.UseRunCache && !options.Force && !deps.ContainsValue(MissingHash) ? workspace.RunCache.Find(current.InputKey) : null;
        var decision = StagePlanner.Decide(stage, current, locks.Find(stage.Name), missing, entry is not null, upstreamWillRun, options.Force);
        return new StagePlan(current, decision, entry);
    }
}
