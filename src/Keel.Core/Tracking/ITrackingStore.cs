using Keel.Core.Common;
using Keel.Core.Tracking.Search;

namespace Keel.Core.Tracking;

/// <summary>Search over experiments: a parsed filter, an order and an offset page.</summary>
public sealed record ExperimentQuery(FilterNode? Filter, IReadOnlyList<OrderByTerm> OrderBy, ViewType ViewType, int MaxResults, long Offset);

/// <summary>Search over runs of some experiments.</summary>
public sealed record RunQuery(
    IReadOnlyList<string> ExperimentIds,
    FilterNode? Filter,
    IReadOnlyList<OrderByTerm> OrderBy,
    ViewType ViewType,
    int MaxResults,
    long Offset);

public sealed record NewExperiment(string Name, string? ArtifactLocation, IReadOnlyList<Tag> Tags, long CreationTime);

public sealed record NewRun(
    string RunId,
    string ExperimentId,
    string UserId,
    string RunName,
    long StartTime,
    string ArtifactUri,
    IReadOnlyList<Tag> Tags);

/// <summary>
/// Metadata store for experiments and runs. Each call is one transaction: it applies whole or not at all.
/// Implementations: SQLite (embedded), PostgreSQL (scale-out). Unknown ids throw
/// <see cref="KeelException"/> with <see cref="ErrorCode.ResourceDoesNotExist"/>.
/// </summary>
public interface ITrackingStore
{
    /// <summary>Creates an experiment; a null artifact location becomes <paramref name="defaultArtifactRoot"/> + id.</summary>
    Task<string> CreateExperimentAsync(NewExperiment experiment, string defaultArtifactRoot, CancellationToken ct = default);

    Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken ct = default);

    Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken ct = default);

    Task<Page<Experiment>> SearchExperimentsAsync(ExperimentQuery query, CancellationToken ct = default);

    Task RenameExperimentAsync(string experimentId, string newName, long now, CancellationToken ct = default);

    /// <summary>Moves an experiment and its runs to <paramref name="lifecycleStage"/>.</summary>
    Task SetExperimentLifecycleAsync(string experimentId, string lifecycleStage, long now, CancellationToken ct = default);

    Task SetExperimentTagAsync(string experimentId, Tag tag, long now, CancellationToken ct = default);

    Task<Run> CreateRunAsync(NewRun run, CancellationToken ct = default);

    Task<Run?> GetRunAsync(string runId, CancellationToken ct = default);

    /// <summary>Only the run's info row: the cheap check before every write.</summary>
    Task<RunInfo?> GetRunInfoAsync(string runId, CancellationToken ct = default);

    Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken ct = default);

    Task SetRunLifecycleAsync(string runId, string lifecycleStage, long now, CancellationToken ct = default);

    /// <summary>
    /// Logs metrics, params and tags in one transaction, keeping the latest value per metric key.
    /// A param already logged with another value throws INVALID_PARAMETER_VALUE and nothing is written.
    /// </summary>
    Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<Tag> tags, CancellationToken ct = default);

    /// <summary>Deletes a run tag; a missing key throws RESOURCE_DOES_NOT_EXIST.</summary>
    Task DeleteTagAsync(string runId, string key, CancellationToken ct = default);

    Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken ct = default);

    /// <summary>All points of one metric, ordered by step, timestamp, then insertion.</summary>
    Task<Page<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, long offset, CancellationToken ct = default);

    Task<Page<Run>> SearchRunsAsync(RunQuery query, CancellationToken ct = default);
}
