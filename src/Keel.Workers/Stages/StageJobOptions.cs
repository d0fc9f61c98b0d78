namespace Keel.Workers.Stages;

/// <summary>How a <see cref="StageJob"/> identifies itself and reports.</summary>
public sealed record StageJobOptions
{
    /// <summary>Recorded on each attempt, e.g. <c>host-1234</c>.</summary>
    public required string WorkerId { get; init; }

    /// <summary>
    /// Called with the pipeline run's id after each stage finishes: the coordinator queues and dispatches the stages that
    /// became ready and settles the run's status (<c>PipelineRunCoordinator.AdvanceAsync</c>).
    /// </summary>
    public required Func<string, CancellationToken, Task> Advance { get; init; }

    /// <summary>One line per stage claimed, restored, finished or failed; null logs nothing.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Materialises a dataset dep (the dep, the workspace folder) and returns its manifest hash; null when this worker
    /// cannot reach datasets, so a stage with a dataset dep fails with a message saying so.
    /// </summary>
    public Func<Core.Pipelines.StageDep, string, CancellationToken, Task<string>>? DatasetDeps { get; init; }

    /// <summary>
    /// The tracking server the stage's commands should talk to (given to them as KEEL_TRACKING_URI and
    /// MLFLOW_TRACKING_URI); asked when a stage starts, since an in-process server knows its port only once it listens.
    /// Null or returning null gives them none.
    /// </summary>
    public Func<Uri?>? TrackingUri { get; init; }

    /// <summary>
    /// How long a finished stage waits for an unreachable database to record its result before giving up (the stage then
    /// stays Running with an open attempt) [default: 1 hour].
    /// </summary>
    public TimeSpan StoreOutageTolerance { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The worker's default name: host name and process id.</summary>
    public static string DefaultWorkerId() => $"{Environment.MachineName}-{Environment.ProcessId}";
}
