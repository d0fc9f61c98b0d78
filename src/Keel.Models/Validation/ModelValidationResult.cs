using Keel.Core.Monitoring.Statistics;
using Keel.Core.Registry.Gates;

namespace Keel.Models.Validation;

/// <summary>
/// What <see cref="ModelValidator"/> measured: both models' metrics on the same rows, the candidate's latency, fairness
/// groups and permutation importance, and which rows and outputs were used.
/// </summary>
/// <param name="Task">The task the metrics are for.</param>
/// <param name="Rows">Rows scored by both models.</param>
/// <param name="RowsSkipped">Rows left out: a missing label, or a cell that does not fit a model input.</param>
/// <param name="FirstSkipReasons">Why the first few skipped rows were left out (1-based row numbers).</param>
/// <param name="PredictionOutput">The candidate's output read as its prediction.</param>
/// <param name="ScoreOutput">The candidate's output read as the positive probability, if any.</param>
/// <param name="PositiveLabel">The positive class (classification).</param>
/// <param name="Candidate">The candidate's metrics.</param>
/// <param name="Champion">The champion's metrics; null without a champion.</param>
/// <param name="MsPerRow">The candidate's mean scoring time per row, warm-up excluded.</param>
/// <param name="Fairness">The fairness metric per group, when asked for.</param>
/// <param name="Importance">The candidate's permutation importance.</param>
public sealed record ModelValidationResult(
    TaskKind Task,
    int Rows,
    int RowsSkipped,
    IReadOnlyList<string> FirstSkipReasons,
    string PredictionOutput,
    string? ScoreOutput,
    string? PositiveLabel,
    IReadOnlyDictionary<string, double> Candidate,
    IReadOnlyDictionary<string, double>? Champion,
    double MsPerRow,
    FairnessResult? Fairness,
    ImportanceResult Importance);
