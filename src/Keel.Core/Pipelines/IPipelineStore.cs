namespace Keel.Core.Pipelines;

/// <summary>
/// Registered pipelines, their runs and stage attempts, and the server's run cache. Each call is one transaction.
/// Writes naming an unknown pipeline or run throw RESOURCE_DOES_NOT_EXIST; reads return null or empty. The
/// <c>Try…</c> methods are compare-and-set, so several server replicas and workers can race safely.
/// </summary>
public interface IPipelineStore
{
    /// <summary>Creates or replaces a pipeline (its runs stay).</summary>
    Task<RegisteredPipeline> UpsertPipelineAsync(RegisteredPipeline pipeline, CancellationToken ct = default);

    Task<RegisteredPipeline?> GetPipelineAsync(string name, CancellationToken ct = default);

    /// <summary>Pipelines by name (ordinal).</summary>
    Task<IReadOnlyList<RegisteredPipeline>> ListPipelinesAsync(CancellationToken ct = default);

    /// <summary>Deletes a pipeline with its runs.</summary>
    Task DeletePipelineAsync(string name, CancellationToken ct = default);

    /// <summary>Moves NextRunAt from <paramref name="expectedNextRunAt"/> to <paramref name="newNextRunAt"/> only if it still holds the expected value; true when this caller won.</summary>
    Task<bool> TryClaimScheduleAsync(string name, long expectedNextRunAt, long? newNextRunAt, CancellationToken ct = default);

    /// <summary>Stores a new run with its stages (all <see cref="StageRunStatus.Pending"/>).</summary>
    Task CreateRunAsync(PipelineRun run, CancellationToken ct = default);

    Task<PipelineRun?> GetRunAsync(string runId, CancellationToken ct = default);

    /// <summary>Runs of a pipeline (or of all when null), newest first, at most <paramref name="maxResults"/>.</summary>
    Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipeline, int maxResults, CancellationToken ct = default);

    /// <summary>Sets a run's status (and StartedAt/EndedAt/TrackingRunId when given and not yet set); a run that ended (Succeeded or Failed) keeps its status.</summary>
    Task SetRunStatusAsync(string runId, PipelineRunStatus status, long? startedAt, long? endedAt, string? trackingRunId, CancellationToken ct = default);

    /// <summary>
    /// Moves a stage from one of <paramref name="expected"/> to <paramref name="target"/> (e.g. Pending → Queued when it becomes
    /// ready; Pending → Cancelled); true when this caller made the move.
    /// </summary>
    Task<bool> TryMoveStageAsync(string runId, string stage, IReadOnlyCollection<StageRunStatus> expected, StageRunStatus target, string message, CancellationToken ct = default);

    /// <summary>
    /// Starts a new attempt of a Queued or Running stage (Running again when its previous worker died and the job was
    /// recovered): the stage becomes Running and the new attempt number is returned. Any other status throws INVALID_STATE.
    /// </summary>
    Task<int> StartAttemptAsync(string runId, string stage, string worker, long now, CancellationToken ct = default);

    /// <summary>Ends an attempt (end time, exit code, log path), leaving the stage's status alone.</summary>
    Task EndAttemptAsync(string runId, string stage, int attempt, long now, int? exitCode, string? logPath, CancellationToken ct = default);

    /// <summary>
    /// Finishes a Running stage as Succeeded, Restored or Failed, only if <paramref name="attempt"/> is still its latest attempt
    /// (a worker presumed dead cannot overwrite its successor); true when it did.
    /// </summary>
    Task<bool> TryFinishStageAsync(string runId, string stage, int attempt, StageRunStatus status, IReadOnlyDictionary<string, string> outs,
        string message, string? trackingRunId, CancellationToken ct = default);

    /// <summary>The run cache: outs recorded for a stage input key (see <see cref="StageLock.InputKey"/>), or null.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetCachedOutsAsync(string inputKey, CancellationToken ct = default);

    /// <summary>Records outs for an input key (first writer wins; later ones are ignored).</summary>
    Task PutCachedOutsAsync(string inputKey, IReadOnlyDictionary<string, string> outs, long now, CancellationToken ct = default);
}
