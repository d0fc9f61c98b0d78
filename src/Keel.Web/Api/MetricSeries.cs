using System.Text.Json.Serialization;

namespace Keel.Web.Api;

/// <summary>
/// One metric's points for a chart, as parallel arrays (what the chart library draws). Values that JSON cannot hold
/// (NaN, ±Infinity) are null, which the chart draws as a gap.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">The metric key.</param>
/// <param name="Total">Points of the history within the requested step range.</param>
/// <param name="Downsampled">True when fewer than <paramref name="Total"/> points came back.</param>
/// <param name="Steps">Step of each point.</param>
/// <param name="Timestamps">Unix milliseconds of each point.</param>
/// <param name="Values">Value of each point, null when not finite.</param>
public sealed record MetricSeries(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("downsampled")] bool Downsampled,
    [property: JsonPropertyName("steps")] long[] Steps,
    [property: JsonPropertyName("timestamps")] long[] Timestamps,
    [property: JsonPropertyName("values")] double?[] Values);

[JsonSerializable(typeof(MetricSeries))]
internal sealed partial class UiApiJsonContext : JsonSerializerContext;
