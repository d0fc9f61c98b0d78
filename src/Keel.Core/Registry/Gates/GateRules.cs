using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Registry.Gates;

/// <summary>
/// A gates file (<c>gates.yaml</c>) as read by <see cref="GateRulesYaml"/>: what a candidate model version must
/// satisfy before promotion. Every rule is optional; an empty file still scores, compares and explains the model.
/// </summary>
public sealed record GateRules
{
    /// <summary>The label column of the data (<c>label:</c>); the command line's <c>--label-column</c> wins over it.</summary>
    public string? Label { get; init; }

    /// <summary>The task (<c>task:</c>); null infers it from the metrics named, else from the labels.</summary>
    public TaskKind? Task { get; init; }

    /// <summary>The model output holding the predicted label or value (<c>prediction_output:</c>); null picks a well-known name.</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>The model output holding the positive class's probability (<c>score_output:</c>); null picks a well-known name.</summary>
    public string? ScoreOutput { get; init; }

    /// <summary>The positive class (<c>positive_label:</c>); null means 1 (or true) when present, else the greatest label.</summary>
    public string? PositiveLabel { get; init; }

    /// <summary><c>metrics.min</c>: the least each metric may be.</summary>
    public IReadOnlyList<MetricRule> MinMetrics { get; init; } = [];

    /// <summary><c>metrics.max</c>: the most each metric may be.</summary>
    public IReadOnlyList<MetricRule> MaxMetrics { get; init; } = [];

    /// <summary><c>regression</c>: the most each metric may get worse than the champion's, in the metric's own units.</summary>
    public IReadOnlyList<MetricRule> Regression { get; init; } = [];

    /// <summary><c>latency.max_ms_per_row</c>: the candidate's mean scoring time per row over the batch, warm-up excluded.</summary>
    public LatencyRule? Latency { get; init; }

    /// <summary><c>fairness</c>: the largest allowed difference of a metric between the groups of a column.</summary>
    public FairnessRule? Fairness { get; init; }

    /// <summary><c>data</c>: an expectations file (as <c>keel data validate</c> reads), relative to the gates file.</summary>
    public DataRule? Data { get; init; }

    /// <summary><c>importance</c>: how permutation feature importance is computed (it always is).</summary>
    public ImportanceRule Importance { get; init; } = new(ImportanceRule.DefaultRepeats, null, ImportanceRule.DefaultSeed, 0);

    /// <summary>Every metric the rules name, with the line naming it.</summary>
    public IEnumerable<MetricRule> AllMetricRules => MinMetrics.Concat(MaxMetrics).Concat(Regression);
}

/// <summary>A threshold on one metric, and the line of the gates file that set it.</summary>
public sealed record MetricRule(string Metric, double Threshold, int Line);

/// <summary>The most milliseconds per row the candidate may take.</summary>
public sealed record LatencyRule(double MaxMsPerRow, int Line);

/// <summary>The most <see cref="Metric"/> (one of <see cref="GateMetrics.FairnessMetrics"/>) may differ between groups of <see cref="Column"/>.</summary>
public sealed record FairnessRule(string Column, string Metric, double MaxGap, int Line);

/// <summary>An expectations file the input data must pass, as written in the gates file.</summary>
public sealed record DataRule(string Path, int Line);

/// <summary>Permutation importance: <see cref="Repeats"/> shuffles per feature, seeded, scored by <see cref="Metric"/>.</summary>
/// <param name="Repeats">Shuffles per feature (default 5).</param>
/// <param name="Metric">The metric compared; null for accuracy (classification) or r2 (regression).</param>
/// <param name="Seed">Seed of the shuffles (default 42), so a report can be reproduced.</param>
/// <param name="Line">Where the rule was written; 0 when defaulted.</param>
public sealed record ImportanceRule(int Repeats, string? Metric, int Seed, int Line)
{
    public const int DefaultRepeats = 5;
    public const int DefaultSeed = 42;
    public const int MaxRepeats = 100;
}
