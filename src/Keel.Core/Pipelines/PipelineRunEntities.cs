namespace Keel.Core.Pipelines;

/// <summary>
/// A pipeline registered on the server (<c>keel pipelines register</c>): its file, the params it was registered with,
/// and a snapshot of its folder in the data-object store, so workers on other machines can run it without a shared disk.
/// </summary>
/// <param name="Name">The pipeline's name (unique).</param>
/// <param name="PipelineYaml">The <c>keel.yaml</c> text.</param>
/// <param name="ParamsYaml">The <c>params.yaml</c> text, or null.</param>
/// <param name="WorkspaceManifest">Artifact-store path of the pipeline folder's snapshot (code and small inputs), <c>pipelines/&lt;name&gt;/workspace-&lt;sha256&gt;.tar.gz</c>; null when registered without one.</param>
/// <param name="Schedule">Cron (5 fields, UTC) from the file, or null.</param>
/// <param name="Triggers">Event triggers from the file.</param>
/// <param name="CreatedAt">ms since the epoch.</param>
/// <param name="UpdatedAt">ms since the epoch.</param>
/// <param name="NextRunAt">When the schedule fires next (ms since the epoch), null without a schedule.</param>
public sealed record RegisteredPipeline(
    string Name,
    string PipelineYaml,
    string? ParamsYaml,
    string? WorkspaceManifest,
    string? Schedule,
    IReadOnlyList<PipelineTrigger> Triggers,
    long CreatedAt,
    long UpdatedAt,
    long? NextRunAt)
{
    /// <summary>What a run of it executes: the file, params and folder snapshot as registered now.</summary>
    public PipelineDefinition Definition => new(PipelineYaml, ParamsYaml, WorkspaceManifest);

    /// <summary>This pipeline as a run saw it: <paramref name="definition"/> (the run's snapshot) over the current registration; null keeps it.</summary>
    public RegisteredPipeline AsOf(PipelineDefinition? definition) =>
        definition is null ? this : this with { PipelineYaml = definition.PipelineYaml, ParamsYaml = definition.ParamsYaml, WorkspaceManifest = definition.WorkspaceManifest };
}

/// <summary>
/// The parts of a registered pipeline a run executes, snapshotted when the run is created, so registering the pipeline
/// again while it runs changes the next run, not the rest of this one. The folder snapshot is content-addressed, so the
/// archive the run names stays in the artifact store.
/// </summary>
public sealed record PipelineDefinition(string PipelineYaml, string? ParamsYaml, string? WorkspaceManifest);

/// <summary>What started a pipeline run.</summary>
public enum PipelineRunTrigger
{
    /// <summary><c>keel pipelines trigger</c> or the API.</summary>
    Manual,

    /// <summary>The pipeline's cron schedule.</summary>
    Schedule,

    /// <summary>A new version of a dataset named in the pipeline's triggers.</summary>
    DatasetVersion,

    /// <summary>An alert of a monitor named in the pipeline's triggers.</summary>
    MonitorAlert,
}

/// <summary>Life of a pipeline run.</summary>
public enum PipelineRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>Life of one stage inside a pipeline run.</summary>
public enum StageRunStatus
{
    /// <summary>Waiting for its upstream stages.</summary>
    Pending,

    /// <summary>Ready and handed to the job scheduler; no worker has started it yet.</summary>
    Queued,

    /// <summary>A worker runs it (see the latest attempt).</summary>
    Running,

    Succeeded,

    /// <summary>Its inputs matched the run cache: outs were restored, the command did not run.</summary>
    Restored,

    /// <summary>Failed after its retries.</summary>
    Failed,

    /// <summary>Not run because an upstream stage failed.</summary>
    Cancelled,
}

/// <summary>A run of a registered pipeline.</summary>
/// <param name="Id">32 hex characters.</param>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Trigger">What started it.</param>
/// <param name="TriggerDetail">e.g. the dataset version (<c>churn-train@4</c>) or the alert (<c>churn-drift: drift share 0.93 ≥ 0.5</c>); empty for manual runs.</param>
/// <param name="ParamOverrides">Param key → value (JSON text) overriding params.yaml for this run.</param>
/// <param name="Status">Current status.</param>
/// <param name="CreatedAt">ms since the epoch.</param>
/// <param name="StartedAt">When the first stage started, or null.</param>
/// <param name="EndedAt">When the last stage ended, or null.</param>
/// <param name="TrackingRunId">The MLflow-compatible parent run recording it (one child run per stage), or null until started.</param>
/// <param name="Stages">Its stages in the pipeline's order.</param>
public sealed record PipelineRun(
    string Id,
    string Pipeline,
    PipelineRunTrigger Trigger,
    string TriggerDetail,
    IReadOnlyDictionary<string, string> ParamOverrides,
    PipelineRunStatus Status,
    long CreatedAt,
    long? StartedAt,
    long? EndedAt,
    string? TrackingRunId,
    IReadOnlyList<StageRun> Stages)
{
    /// <summary>The pipeline as registered when the run was created; null for runs stored before snapshots existed (they follow the current registration).</summary>
    public PipelineDefinition? Definition { get; init; }
}

/// <summary>One stage of a pipeline run.</summary>
/// <param name="Stage">Stage name.</param>
/// <param name="Status">Current status.</param>
/// <param name="Attempts">Every attempt, oldest first (a retry or a recovery after a worker died adds one).</param>
/// <param name="Outs">Out path → content hash once it succeeded or was restored (outs live in the data-object store).</param>
/// <param name="Message">Why it failed or was cancelled; empty otherwise.</param>
/// <param name="TrackingRunId">The child run recording it, or null.</param>
public sealed record StageRun(
    string Stage,
    StageRunStatus Status,
    IReadOnlyList<StageAttempt> Attempts,
    IReadOnlyDictionary<string, string> Outs,
    string Message,
    string? TrackingRunId);

/// <summary>One attempt at a stage, by one worker.</summary>
/// <param name="Number">1-based.</param>
/// <param name="Worker">The worker's id (host name and process id).</param>
/// <param name="StartedAt">ms since the epoch.</param>
/// <param name="EndedAt">ms since the epoch; null while running, or forever when its worker died.</param>
/// <param name="ExitCode">The command's exit code, null while running or when killed.</param>
/// <param name="LogPath">Where its log is kept in the artifact store (relative to the pipeline run's artifact root), or null.</param>
public sealed record StageAttempt(int Number, string Worker, long StartedAt, long? EndedAt, int? ExitCode, string? LogPath);
