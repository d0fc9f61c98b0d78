using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

/// <summary>
/// JSON settings of Keel's own API: snake_case names, nulls written (so every field is always present) and
/// NaN and ±Infinity written as "NaN"/"Infinity"/"-Infinity", as MLflow writes metric values. Errors use
/// <see cref="ErrorResponse"/>, the same shape as MLflow's API.
/// </summary>
public static class KeelJson
{
    public static JsonSerializerOptions Options => KeelJsonContext.Default.Options;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ResolvedModelUriResponse))]
[JsonSerializable(typeof(ModelVersionLineageResponse))]
[JsonSerializable(typeof(CreateDeploymentRequest))]
[JsonSerializable(typeof(UpdateDeploymentRequest))]
[JsonSerializable(typeof(RollbackDeploymentRequest))]
[JsonSerializable(typeof(DeploymentDto))]
[JsonSerializable(typeof(ListDeploymentsResponse))]
[JsonSerializable(typeof(DeploymentHistoryResponse))]
[JsonSerializable(typeof(DeleteDeploymentResponse))]
[JsonSerializable(typeof(FindMissingDataObjectsRequest))]
[JsonSerializable(typeof(FindMissingDataObjectsResponse))]
[JsonSerializable(typeof(PutDataObjectResponse))]
[JsonSerializable(typeof(PresignDataObjectsRequest))]
[JsonSerializable(typeof(PresignDataObjectsResponse))]
[JsonSerializable(typeof(CreateDatasetRequest))]
[JsonSerializable(typeof(UpdateDatasetRequest))]
[JsonSerializable(typeof(SetDatasetTagRequest))]
[JsonSerializable(typeof(CreateDatasetVersionRequest))]
[JsonSerializable(typeof(RegisteredDatasetDto))]
[JsonSerializable(typeof(DatasetVersionDto))]
[JsonSerializable(typeof(ListDatasetsResponse))]
[JsonSerializable(typeof(ListDatasetVersionsResponse))]
[JsonSerializable(typeof(DatasetEmptyResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class KeelJsonContext : JsonSerializerContext;
