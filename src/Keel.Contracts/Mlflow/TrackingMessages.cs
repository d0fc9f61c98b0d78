using System.Text.Json.Serialization;

namespace Keel.Contracts.Mlflow;

// Wire shapes of MLflow's tracking service (mlflow/protos/service.proto), field names in snake_case
// through MlflowJson. Nullable members are optional on the wire and omitted when null. Lists read back as
// empty when the wire leaves them out (protobuf JSON omits empty lists; the generated serializer would set null).

public sealed record KeyValue(string Key, string Value);

public sealed record ExperimentDto
{
    public required string ExperimentId { get; init; }
    public required string Name { get; init; }
    public string? ArtifactLocation { get; init; }
    public required string LifecycleStage { get; init; }
    public long? LastUpdateTime { get; init; }
    public long? CreationTime { get; init; }
    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }
}

public sealed record CreateExperimentRequest
{
    public string? Name { get; init; }
    public string? ArtifactLocation { get; init; }
    public IReadOnlyList<KeyValue>? Tags { get; init; }
}

public sealed record CreateExperimentResponse(string ExperimentId);

public sealed record GetExperimentResponse(ExperimentDto Experiment);

public sealed record SearchExperimentsRequest
{
    public long? MaxResults { get; init; }
    public string? PageToken { get; init; }
    public string? Filter { get; init; }
    public IReadOnlyList<string>? OrderBy { get; init; }
    [JsonConverter(typeof(ProtoEnumConverter))]
    public string? ViewType { get; init; }
}

public sealed record SearchExperimentsResponse
{
    public IReadOnlyList<ExperimentDto> Experiments { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

public sealed record UpdateExperimentRequest
{
    public string? ExperimentId { get; init; }
    public string? NewName { get; init; }
}

public sealed record ExperimentIdRequest
{
    public string? ExperimentId { get; init; }
}

public sealed record SetExperimentTagRequest
{
    public string? ExperimentId { get; init; }
    public string? Key { get; init; }
    public string? Value { get; init; }
}

public sealed record RunInfoDto
{
    public required string RunId { get; init; }
    public required string RunUuid { get; init; }
    public string? RunName { get; init; }
    public required string ExperimentId { get; init; }
    public string? UserId { get; init; }
    public required string Status { get; init; }
    public long? StartTime { get; init; }
    public long? EndTime { get; init; }
    public string? ArtifactUri { get; init; }
    public required string LifecycleStage { get; init; }
}

public sealed record MetricDto
{
    public required string Key { get; init; }
    public double Value { get; init; }
    public long Timestamp { get; init; }
    public long Step { get; init; }
}

public sealed record RunDataDto
{
    public IReadOnlyList<MetricDto> Metrics { get => field ?? []; init; }
    public IReadOnlyList<KeyValue> Params { get => field ?? []; init; }
    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }
}

public sealed record DatasetDto
{
    public string? Name { get; init; }
    public string? Digest { get; init; }
    public string? SourceType { get; init; }
    public string? Source { get; init; }
    public string? Schema { get; init; }
    public string? Profile { get; init; }
}

public sealed record DatasetInputDto
{
    public IReadOnlyList<KeyValue>? Tags { get; init; }
    public DatasetDto? Dataset { get; init; }
}

public sealed record RunInputsDto
{
    public IReadOnlyList<DatasetInputDto> DatasetInputs { get => field ?? []; init; }
}

public sealed record RunDto
{
    public required RunInfoDto Info { get; init; }
    public RunDataDto Data { get => field ?? new(); init; }
    public RunInputsDto Inputs { get => field ?? new(); init; }
}

public sealed record CreateRunRequest
{
    public string? ExperimentId { get; init; }
    public string? UserId { get; init; }
    public string? RunName { get; init; }
    public long? StartTime { get; init; }
    public IReadOnlyList<KeyValue>? Tags { get; init; }
}

public sealed record RunResponse(RunDto Run);

public sealed record UpdateRunRequest
{
    public string? RunId { get; init; }
    public string? RunUuid { get; init; }
    [JsonConverter(typeof(ProtoEnumConverter))]
    public string? Status { get; init; }
    public long? EndTime { get; init; }
    public string? RunName { get; init; }
}

public sealed record UpdateRunResponse(RunInfoDto RunInfo);

public sealed record RunIdRequest
{
    public string? RunId { get; init; }
}

public sealed record SearchRunsRequest
{
    [JsonConverter(typeof(ProtoIdListConverter))]
    public IReadOnlyList<string>? ExperimentIds { get; init; }
    public string? Filter { get; init; }
    [JsonConverter(typeof(ProtoEnumConverter))]
    public string? RunViewType { get; init; }
    public long? MaxResults { get; init; }
    public IReadOnlyList<string>? OrderBy { get; init; }
    public string? PageToken { get; init; }
}

public sealed record SearchRunsResponse
{
    public IReadOnlyList<RunDto> Runs { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

public sealed record LogMetricRequest
{
    public string? RunId { get; init; }
    public string? RunUuid { get; init; }
    public string? Key { get; init; }
    public double? Value { get; init; }
    public long? Timestamp { get; init; }
    public long? Step { get; init; }
}

public sealed record LogParamRequest
{
    public string? RunId { get; init; }
    public string? RunUuid { get; init; }
    public string? Key { get; init; }
    public string? Value { get; init; }
}

public sealed record SetTagRequest
{
    public string? RunId { get; init; }
    public string? RunUuid { get; init; }
    public string? Key { get; init; }
    public string? Value { get; init; }
}

public sealed record DeleteTagRequest
{
    public string? RunId { get; init; }
    public string? Key { get; init; }
}

public sealed record LogBatchRequest
{
    public string? RunId { get; init; }
    public IReadOnlyList<MetricDto>? Metrics { get; init; }
    public IReadOnlyList<KeyValue>? Params { get; init; }
    public IReadOnlyList<KeyValue>? Tags { get; init; }
}

public sealed record LogInputsRequest
{
    public string? RunId { get; init; }
    public IReadOnlyList<DatasetInputDto>? Datasets { get; init; }
}

public sealed record GetMetricHistoryResponse
{
    public IReadOnlyList<MetricDto> Metrics { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

public sealed record FileInfoDto
{
    public required string Path { get; init; }
    public bool IsDir { get; init; }
    public long? FileSize { get; init; }
}

public sealed record ListArtifactsResponse
{
    public string? RootUri { get; init; }
    public IReadOnlyList<FileInfoDto> Files { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

/// <summary>The artifact proxy's list answer (mlflow-artifacts API).</summary>
public sealed record ListProxiedArtifactsResponse
{
    public IReadOnlyList<FileInfoDto> Files { get => field ?? []; init; }
}

public sealed record EmptyResponse;

public sealed record ErrorResponse(string ErrorCode, string Message);
