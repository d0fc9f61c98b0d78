using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

// Wire shapes of Keel's own API, snake_case through KeelJson. Timestamps are epoch milliseconds; a version
// number is a string, as in MLflow's API. Absent values are written as null, and lists are always present.

/// <summary>Answer of <c>model-uris/resolve</c>.</summary>
public sealed record ResolvedModelUriResponse
{
    /// <summary>The <c>mlflow-artifacts:/</c> location of the model's files.</summary>
    public required string ArtifactUri { get; init; }

    public string? ModelName { get; init; }

    public string? Version { get; init; }

    public string? RunId { get; init; }
}

/// <summary>Answer of <c>lineage/model-versions/{name}/{version}</c>.</summary>
public sealed record ModelVersionLineageResponse
{
    public required LineageModelVersionDto ModelVersion { get; init; }

    /// <summary>The run that produced the version; null when it was registered without one.</summary>
    public LineageRunDto? Run { get; init; }
}

public sealed record LineageModelVersionDto
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string Source { get; init; }
    public string? RunId { get; init; }
    public required string Status { get; init; }
    public required string CurrentStage { get; init; }
    public IReadOnlyList<string> Aliases { get => field ?? []; init; }
    public string? Description { get; init; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; init; }
    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }
}

public sealed record LineageRunDto
{
    public required string RunId { get; init; }
    public string? RunName { get; init; }
    public required string ExperimentId { get; init; }
    public string? ExperimentName { get; init; }
    public required string Status { get; init; }
    public long StartTime { get; init; }
    public long? EndTime { get; init; }
    public string? UserId { get; init; }
    public required string LifecycleStage { get; init; }

    /// <summary>From the run's <c>mlflow.source.git.commit</c> tag.</summary>
    public string? GitCommit { get; init; }

    /// <summary>From the run's <c>mlflow.source.name</c> tag.</summary>
    public string? SourceName { get; init; }

    /// <summary>From the run's <c>mlflow.source.type</c> tag.</summary>
    public string? SourceType { get; init; }

    public IReadOnlyList<KeyValue> Params { get => field ?? []; init; }

    /// <summary>The latest value of each metric.</summary>
    public IReadOnlyList<MetricDto> Metrics { get => field ?? []; init; }

    public IReadOnlyList<LineageDatasetDto> Datasets { get => field ?? []; init; }
}

/// <summary>A dataset the run logged as an input, with the input's tags (such as <c>mlflow.data.context</c>).</summary>
public sealed record LineageDatasetDto
{
    public required string Name { get; init; }
    public required string Digest { get; init; }
    public required string SourceType { get; init; }
    public required string Source { get; init; }
    public string? Schema { get; init; }
    public string? Profile { get; init; }

    /// <summary>The <c>mlflow.data.context</c> input tag (such as "training"), when set.</summary>
    public string? Context { get; init; }

    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }

    /// <summary>
    /// The registered dataset version whose manifest hash equals <see cref="Digest"/> (a Keel extension); null when
    /// the digest names no registered version.
    /// </summary>
    public LineageDatasetVersionDto? DatasetVersion { get; init; }
}

/// <summary>A registered dataset version reached from a run input: enough to name it and pull it.</summary>
public sealed record LineageDatasetVersionDto
{
    public required string Name { get; init; }
    public long Version { get; init; }
    public required string ManifestHash { get; init; }
    public required string Kind { get; init; }
    public long Size { get; init; }
    public long FileCount { get; init; }
    public long? RowCount { get; init; }
    public string? Source { get; init; }
}
