using System.Text.Json.Nodes;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Commands;

/// <summary>One key's values across the compared runs (null where a run lacks it).</summary>
internal sealed record ComparisonRow<T>(string Key, IReadOnlyList<T?> Values)
{
    /// <summary>A missing value differs from any present one.</summary>
    public bool Differs => Values.Distinct().Skip(1).Any();
}

/// <summary>Params and latest metrics of several runs, keyed and aligned for side-by-side display.</summary>
internal sealed record RunComparison(
    IReadOnlyList<RunDto> Runs,
    IReadOnlyList<ComparisonRow<string>> Params,
    IReadOnlyList<ComparisonRow<double?>> Metrics)
{
    public static RunComparison Of(IReadOnlyList<RunDto> runs)
    {
        var paramRows = runs.SelectMany(r => r.Data.Params.Select(p => p.Key))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(key => new ComparisonRow<string>(key, [.. runs.Select(r => r.Data.Params.FirstOrDefault(p => p.Key == key)?.Value)]))
            .ToList();
        var metricRows = runs.SelectMany(r => r.Data.Metrics.Select(m => m.Key))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(key => new ComparisonRow<double?>(key, [.. runs.Select(r => r.Data.Metrics.FirstOrDefault(m => m.Key == key)?.Value)]))
            .ToList();
        return new RunComparison(runs, paramRows, metricRows);
    }

    public JsonObject ToJson() => new()
    {
        ["runs"] = new JsonArray([.. Runs.Select(r => (JsonNode)new JsonObject
        {
            ["run_id"] = r.Info.RunId,
            ["run_name"] = r.Info.RunName,
            ["experiment_id"] = r.Info.ExperimentId,
            ["status"] = r.Info.Status,
        })]),
        ["params"] = new JsonArray([.. Params.Select(row => Row(row.Key, row.Differs, row.Values.Select(v => (JsonNode?)v)))]),
        ["metrics"] = new JsonArray([.. Metrics.Select(row => Row(row.Key, row.Differs, row.Values.Select(MetricNode)))]),
    };

    private static JsonObject Row(string key, bool differs, IEnumerable<JsonNode?> values) => new JsonObject
    {
        ["key"] = key,
        ["values"] = new JsonArray([.. values]),
        ["differs"] = differs,
    };

    // JSON has no NaN or infinities; MLflow writes them as strings, and so do we.
    private static JsonNode? MetricNode(double? value) => value switch
    {
        null => null,
        { } v when double.IsFinite(v) => JsonValue.Create(v),
        { } v => JsonValue.Create(Output.Format.Number(v)),
    };
}
