namespace Keel.Contracts.Mlflow;

// Wire shapes of MLflow's model registry (mlflow/protos/model_registry.proto), snake_case through MlflowJson.
// Timestamps are epoch milliseconds; a version number is a string on the wire.

public sealed record RegisteredModelAliasDto(string Alias, string Version);

public sealed record ModelVersionDto
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public long? CreationTimestamp { get; init; }
    public long? LastUpdatedTimestamp { get; init; }
    public string? UserId { get; init; }
    public string? CurrentStage { get; init; }
    public string? Description { get; init; }
    public string? Source { get; init; }
    public string? RunId { get; init; }
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }
    public string? RunLink { get; init; }
    public IReadOnlyList<string> Aliases { get => field ?? []; init; }
}

public sealed record RegisteredModelDto
{
    public required string Name { get; init; }
    public long? CreationTimestamp { get; init; }
    public long? LastUpdatedTimestamp { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<ModelVersionDto> LatestVersions { get => field ?? []; init; }
    public IReadOnlyList<KeyValue> Tags { get => field ?? []; init; }
    public IReadOnlyList<RegisteredModelAliasDto> Aliases { get => field ?? []; init; }
}

public sealed record CreateRegisteredModelRequest
{
    public string? Name { get; init; }
    public IReadOnlyList<KeyValue>? Tags { get; init; }
    public string? Description { get; init; }
}

public sealed record RegisteredModelResponse(RegisteredModelDto RegisteredModel);

public sealed record RenameRegisteredModelRequest
{
    public string? Name { get; init; }
    public string? NewName { get; init; }
}

public sealed record UpdateRegisteredModelRequest
{
    public string? Name { get; init; }
    public string? Description { get; init; }
}

public sealed record RegisteredModelNameRequest
{
    public string? Name { get; init; }
}

public sealed record SearchRegisteredModelsResponse
{
    public IReadOnlyList<RegisteredModelDto> RegisteredModels { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

public sealed record GetLatestVersionsRequest
{
    public string? Name { get; init; }
    public IReadOnlyList<string>? Stages { get; init; }
}

public sealed record ModelVersionsResponse
{
    public IReadOnlyList<ModelVersionDto> ModelVersions { get => field ?? []; init; }
}

public sealed record RegistryTagRequest
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Key { get; init; }
    public string? Value { get; init; }
}

public sealed record SetAliasRequest
{
    public string? Name { get; init; }
    public string? Alias { get; init; }
    public string? Version { get; init; }
}

public sealed record CreateModelVersionRequest
{
    public string? Name { get; init; }
    public string? Source { get; init; }
    public string? RunId { get; init; }
    public IReadOnlyList<KeyValue>? Tags { get; init; }
    public string? RunLink { get; init; }
    public string? Description { get; init; }
}

public sealed record ModelVersionResponse(ModelVersionDto ModelVersion);

public sealed record UpdateModelVersionRequest
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
}

public sealed record ModelVersionKeyRequest
{
    public string? Name { get; init; }
    public string? Version { get; init; }
}

public sealed record TransitionStageRequest
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Stage { get; init; }
    public bool? ArchiveExistingVersions { get; init; }
}

public sealed record SearchModelVersionsResponse
{
    public IReadOnlyList<ModelVersionDto> ModelVersions { get => field ?? []; init; }
    public string? NextPageToken { get; init; }
}

public sealed record DownloadUriResponse(string ArtifactUri);
