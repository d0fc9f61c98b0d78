namespace Keel.Core.Tracking;

/// <summary>MLflow's lifecycle stages of experiments and runs.</summary>
public static class LifecycleStage
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}

/// <summary>Which lifecycle stages a search returns (MLflow's ViewType).</summary>
public enum ViewType
{
    ActiveOnly = 1,
    DeletedOnly = 2,
    All = 3,
}

/// <summary>MLflow's run statuses.</summary>
public enum RunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}

public sealed record Tag(string Key, string Value);

public sealed record Param(string Key, string Value);

/// <summary>One metric point; <see cref="Timestamp"/> is Unix milliseconds.</summary>
public sealed record Metric(string Key, double Value, long Timestamp, long Step);

public sealed record Experiment(
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    long CreationTime,
    long LastUpdateTime,
    IReadOnlyList<Tag> Tags);

public sealed record RunInfo(
    string RunId,
    string RunName,
    string ExperimentId,
    string UserId,
    RunStatus Status,
    long StartTime,
    long? EndTime,
    string ArtifactUri,
    string LifecycleStage);

public sealed record Dataset(string Name, string Digest, string SourceType, string Source, string? Schema, string? Profile);

public sealed record DatasetInput(Dataset Dataset, IReadOnlyList<Tag> Tags);

/// <summary>A run with its latest metric values, params, tags and dataset inputs.</summary>
public sealed record Run(
    RunInfo Info,
    IReadOnlyList<Metric> LatestMetrics,
    IReadOnlyList<Param> Params,
    IReadOnlyList<Tag> Tags,
    IReadOnlyList<DatasetInput> Inputs);
