using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Tracking;
using Keel.Web.Infrastructure;

namespace Keel.Web.Pages.Compare;

/// <summary>One row of a side-by-side table: a key and each run's value (null when the run lacks it).</summary>
public sealed record CompareRow(string Key, IReadOnlyList<string?> Values)
{
    /// <summary>True when the runs do not all have the same value (a missing value counts as different).</summary>
    public bool Differs => Values.Distinct(StringComparer.Ordinal).Skip(1).Any();
}

/// <summary>One run's point in the scatter of a param against a metric.</summary>
public sealed record ScatterPoint(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("x")] string? X,
    [property: JsonPropertyName("y")] double? Y);

[JsonSerializable(typeof(ScatterPoint[]))]
internal sealed partial class CompareJsonContext : JsonSerializerContext;

/// <summary>The compare page: 2 to 10 runs, their params and metrics side by side, chosen curves and a scatter.</summary>
public sealed record CompareModel(
    IReadOnlyList<Run> Runs,
    IReadOnlyList<CompareRow> Params,
    IReadOnlyList<CompareRow> Metrics,
    IReadOnlyList<string> MetricKeys,
    IReadOnlyList<string> ChartKeys,
    IReadOnlyList<string> ParamKeys,
    string? ScatterParam,
    string? ScatterMetric,
    IReadOnlyList<ScatterPoint> Scatter)
{
    public string RunIds => string.Join(',', Runs.Select(r => r.Info.RunId));

    public string ScatterJson => JsonSerializer.Serialize(Scatter.ToArray(), CompareJsonContext.Default.ScatterPointArray);

    public string Url(IReadOnlyList<string>? chartKeys = null) =>
        QueryStrings.Build("/compare", ("runs", RunIds), ("metrics", string.Join(',', chartKeys ?? ChartKeys)),
            ("x_param", ScatterParam), ("y_metric", ScatterMetric));
}
