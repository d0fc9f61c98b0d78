using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Contracts.KeelApi;

// Wire shapes of a deployment's prediction logs and labels, snake_case like the rest of Keel's API:
// PUT deployments/{name}/prediction-logs/{segment} (a Parquet body), POST deployments/{name}/labels and
// GET deployments/{name}/predictions. Request fields are nullable so a missing one is reported by name.

/// <summary>Routes of the prediction-log endpoints, below <see cref="KeelRoutes.Deployments"/>.</summary>
public static class PredictionLogRoutes
{
    /// <summary>PUT <c>deployments/{name}/prediction-logs/{segment}</c> with an <c>application/vnd.apache.parquet</c> body.</summary>
    public const string Segments = "prediction-logs";

    /// <summary>POST <c>deployments/{name}/labels</c> with a <see cref="LogLabelsRequest"/>.</summary>
    public const string Labels = "labels";

    /// <summary>GET <c>deployments/{name}/predictions?since=&amp;until=&amp;max_results=</c>.</summary>
    public const string Predictions = "predictions";

    /// <summary>The media type of a segment upload.</summary>
    public const string ParquetContentType = "application/vnd.apache.parquet";
}

/// <summary>Ground truth for logged predictions, joined by request id and row.</summary>
public sealed record LogLabelsRequest
{
    public IReadOnlyList<LabelDto>? Labels { get; init; }
}

/// <summary>One label: the request id a serving host returned in <c>X-Request-Id</c>, the row within that request (default 0), and the true value.</summary>
public sealed record LabelDto
{
    public string? RequestId { get; init; }

    /// <summary>The row within the request; 0 when omitted.</summary>
    public long? Row { get; init; }

    /// <summary>A number, a string or a bool.</summary>
    public JsonElement? Label { get; init; }
}

/// <summary>The answer to <see cref="LogLabelsRequest"/>.</summary>
public sealed record LogLabelsResponse
{
    /// <summary>How many labels were stored.</summary>
    public int Accepted { get; init; }
}

/// <summary>One logged prediction row.</summary>
public sealed record PredictionRecordDto
{
    public required string RequestId { get; init; }

    public int Row { get; init; }

    /// <summary>When the request arrived, in milliseconds since the Unix epoch (UTC).</summary>
    public long Timestamp { get; init; }

    public required string Deployment { get; init; }

    public required string Model { get; init; }

    public required string Version { get; init; }

    public required string Route { get; init; }

    public bool Shadow { get; init; }

    public double LatencyMs { get; init; }

    public int Status { get; init; }

    /// <summary>Feature name to value (number, string, bool or null).</summary>
    public IReadOnlyDictionary<string, JsonElement> Inputs { get => field ?? new Dictionary<string, JsonElement>(); init; }

    /// <summary>Output name to value; empty for a failed request.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get => field ?? new Dictionary<string, JsonElement>(); init; }

    /// <summary>The latest ground truth received for this row; absent (null) when none.</summary>
    public JsonElement? Label { get; init; }
}

/// <summary>The answer of GET <c>deployments/{name}/predictions</c>: the most recent rows first.</summary>
public sealed record ListPredictionsResponse
{
    public IReadOnlyList<PredictionRecordDto> Predictions { get => field ?? []; init; }
}

/// <summary>JSON settings of the prediction-log messages: those of <see cref="KeelJson"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(LogLabelsRequest))]
[JsonSerializable(typeof(LogLabelsResponse))]
[JsonSerializable(typeof(ListPredictionsResponse))]
public sealed partial class PredictionLogJsonContext : JsonSerializerContext;
