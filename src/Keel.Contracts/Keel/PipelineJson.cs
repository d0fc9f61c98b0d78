using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Contracts.Mlflow;

namespace Keel.Contracts.KeelApi;

/// <summary>JSON of the pipeline API: snake_case, nulls written, in a context of its own.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(RegisterPipelineRequest))]
[JsonSerializable(typeof(PipelineDto))]
[JsonSerializable(typeof(ListPipelinesResponse))]
[JsonSerializable(typeof(UploadWorkspaceResponse))]
[JsonSerializable(typeof(TriggerPipelineRequest))]
[JsonSerializable(typeof(PipelineRunDto))]
[JsonSerializable(typeof(ListPipelineRunsResponse))]
[JsonSerializable(typeof(DeletePipelineResponse))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class PipelineJsonContext : JsonSerializerContext;

/// <summary>Routes of the pipeline API under <see cref="KeelRoutes.ApiPrefix"/>.</summary>
public static class PipelineRoutes
{
    /// <summary>
    /// POST (register) and GET (list) here; GET and DELETE <c>pipelines/{name}</c>; PUT <c>pipelines/{name}/workspace</c>
    /// (a tar.gz body); POST <c>pipelines/{name}/trigger</c>; GET <c>pipelines/{name}/runs?max_results=</c>.
    /// </summary>
    public const string Pipelines = "pipelines";

    /// <summary>
    /// GET <c>pipeline-runs?max_results=</c> (all pipelines), GET <c>pipeline-runs/{id}</c>, and GET
    /// <c>pipeline-runs/{id}/stages/{stage}/logs?attempt=</c> (text; the latest attempt by default).
    /// </summary>
    public const string PipelineRuns = "pipeline-runs";

    /// <summary>The media type of a workspace upload.</summary>
    public const string WorkspaceMediaType = "application/gzip";
}
