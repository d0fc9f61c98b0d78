using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Monitoring.Runner;

/// <summary>
/// Quality on the labelled rows of a window. The task is the monitor's, else the baseline's kind of metrics, else
/// classification when the labels look categorical (text or booleans, or at most <see cref="MaxClassLabels"/>
/// distinct whole numbers) and regression otherwise. Rows whose label or prediction is missing are left out.
/// </summary>
public static class QualityEvaluator
{
    /// <summary>The most distinct whole-number labels still read as classes when the task is not given.</summary>
    public const int MaxClassLabels = 20;

    /// <summary>The quality, or null when no labelled row has both a label and a prediction.</summary>
    public static QualityResult? Evaluate(
        MonitorSpec spec, IReadOnlyList<(PredictionRecord Record, GroundTruth Label)> labelled, IReadOnlyDictionary<string, double> baseline)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(labelled);
        var rows = labelled
            .Select(l => (l.Record, Actual: l.Label.Label, Predicted: l.Record.Outputs.GetValueOrDefault(spec.PredictionOutput)))
            .Where(r => r.Actual is not null && r.Predicted is not null)
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        var task = spec.Task ?? InferTask(baseline, rows.Select(r => r.Actual!).ToList());
        if (task == TaskKind.Regression)
        {
            var numeric = rows.Select(r => (Actual: Number(r.Actual), Predicted: Number(r.Predicted)))
                .Where(r => double.IsFinite(r.Actual) && double.IsFinite(r.Predicted)).ToArray();
            if (numeric.Length == 0)
            {
                return null;
            }
            var current = QualityMetrics.Regression(numeric.Select(r => r.Actual).ToArray(), numeric.Select(r => r.Predicted).ToArray());
            return new QualityResult(task, numeric.Length, current, BaselineMetrics.For(baseline, task));
        }
        var actual = rows.Select(r => Label(r.Actual)).ToArray();
        var predicted = rows.Select(r => Label(r.Predicted)).ToArray();
        var scores = spec.ScoreOutput is { } scoreOutput ? rows.Select(r => Number(r.Record.Outputs.GetValueOrDefault(scoreOutput))).ToArray() : null;
        if (scores is not null && !scores.All(double.IsFinite))
        {
            // ROC AUC and log loss need a score for every row; without them the other metrics still stand.
            scores = null;
        }
        var metrics = QualityMetrics.Classification(actual, predicted, scores, PositiveLabel(actual.Concat(predicted)));
        return new QualityResult(task, rows.Count, metrics, BaselineMetrics.For(baseline, task));
    }

    internal static TaskKind InferTask(IReadOnlyDictionary<string, double> baseline, IReadOnlyList<object> labels)
    {
        if (baseline.Keys.Any(BaselineMetrics.Classification.Contains))
        {
            return TaskKind.Classification;
        }
        if (baseline.Keys.Any(BaselineMetrics.Regression.Contains))
        {
            return TaskKind.Regression;
        }
        if (labels.Any(l => l is string or bool))
        {
            return TaskKind.Classification;
        }
        var numbers = labels.Select(Number).ToList();
        return numbers.All(n => double.IsFinite(n) && n == Math.Floor(n)) && numbers.Distinct().Count() <= MaxClassLabels
            ? TaskKind.Classification
            : TaskKind.Regression;
    }

    // 1 and 1.0 name the same class whichever way the label and the prediction were written.
    internal static string Label(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        long whole => whole.ToString(CultureInfo.InvariantCulture),
        double real when real == Math.Floor(real) && Math.Abs(real) < 1e15 => ((long)real).ToString(CultureInfo.InvariantCulture),
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    // The positive class of a binary problem: "1" or "true" when present, else the greater label.
    private static string PositiveLabel(IEnumerable<string> labels)
    {
        var seen = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return seen.Contains("1") ? "1" : seen.Contains("true") ? "true" : seen.Count > 0 ? seen[^1] : "1";
    }

    private static double Number(object? value) => value switch
    {
        double real => real,
        long whole => whole,
        int whole => whole,
        bool flag => flag ? 1 : 0,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => double.NaN,
    };
}
