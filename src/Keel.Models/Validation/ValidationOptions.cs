using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry.Gates;

namespace Keel.Models.Validation;

/// <summary>How <see cref="ModelValidator"/> scores models on a <see cref="ValidationTable"/>.</summary>
public sealed record ValidationOptions
{
    /// <summary>The column holding the true label or value.</summary>
    public required string LabelColumn { get; init; }

    /// <summary>The task; null infers it (see <see cref="ModelValidator"/>).</summary>
    public TaskKind? Task { get; init; }

    /// <summary>The output holding the predicted label or value; null picks <c>PredictedLabel</c>, <c>prediction</c>… (see <see cref="PredictionOutputs"/>).</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>The output holding the positive class's probability; null picks <c>Probability</c>… when there is one.</summary>
    public string? ScoreOutput { get; init; }

    /// <summary>The positive class; null means 1 (true) when present, else the greatest label.</summary>
    public string? PositiveLabel { get; init; }

    /// <summary>Compute <see cref="FairnessRule.Metric"/> per group of this column (classification only); null for none.</summary>
    public FairnessRule? Fairness { get; init; }

    /// <summary>Permutation importance settings (repeats, metric, seed).</summary>
    public ImportanceRule Importance { get; init; } = new(ImportanceRule.DefaultRepeats, null, ImportanceRule.DefaultSeed, 0);

    /// <summary>Rows per <c>Predict</c> call (default 8192).</summary>
    public int ChunkRows { get; init; } = 8192;

    /// <summary>Rows scored once before timing, so loading and JIT do not count as latency (default 64).</summary>
    public int WarmUpRows { get; init; } = 64;

    /// <summary>The clock latency is measured with.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
