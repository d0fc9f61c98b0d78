using System.Globalization;
using Keel.Core.Artifacts;
using Keel.Core.Pipelines;

namespace Keel.Workers.Stages;

/// <summary>
/// Where a pipeline's files live in the artifact store, so workers on other machines share no disk: the registered
/// folder's snapshot, each finished stage's outs, each attempt's log, and outs kept by run-cache key.
/// </summary>
public static class PipelineArtifactPaths
{
    /// <summary>
    /// The registered pipeline folder's tar.gz: <see cref="RegisteredPipeline.WorkspaceManifest"/> is either the artifact
    /// path itself or the archive's SHA-256 (then <c>pipelines/&lt;name&gt;/workspace-&lt;sha256&gt;.tar.gz</c>); null without one.
    /// </summary>
    public static ArtifactPath? Workspace(RegisteredPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.WorkspaceManifest switch
        {
            null or "" => null,
            var path when path.Contains('/', StringComparison.Ordinal) => ArtifactPath.Parse(path, "workspace_manifest"),
            var hash => ArtifactPath.Parse($"pipelines/{pipeline.Name}/workspace-{hash}.tar.gz", "workspace_manifest"),
        };
    }

    /// <summary><c>pipeline-runs/&lt;runId&gt;/&lt;stage&gt;/outs.tar.gz</c>: a finished stage's outs and metrics files.</summary>
    public static ArtifactPath Outs(string runId, string stage) => ArtifactPath.Parse($"pipeline-runs/{runId}/{stage}/outs.tar.gz", "stage");

    /// <summary><c>pipeline-runs/&lt;runId&gt;/&lt;stage&gt;/attempt-&lt;n&gt;.log</c>: one attempt's merged output.</summary>
    public static ArtifactPath Log(string runId, string stage, int attempt) =>
        ArtifactPath.Parse(string.Create(CultureInfo.InvariantCulture, $"pipeline-runs/{runId}/{stage}/attempt-{attempt}.log"), "stage");

    /// <summary>
    /// <c>pipeline-cache/&lt;inputKey&gt;.tar.gz</c>: the outs a stage with these inputs produced, restored by later runs
    /// whose inputs match (the run cache's blobs; <see cref="IPipelineStore.GetCachedOutsAsync"/> holds their hashes).
    /// </summary>
    public static ArtifactPath CachedOuts(string inputKey) => ArtifactPath.Parse($"pipeline-cache/{inputKey}.tar.gz", "input_key");
}
