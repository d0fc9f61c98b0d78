namespace Keel.Core.Monitoring.Statistics;

/// <summary>
/// Quality of predictions against ground truth, as scikit-learn computes the same metrics. Keys are
/// <see cref="QualityMetricNames"/>; a metric that is undefined for the data is left out rather than NaN.
/// </summary>
public static class QualityMetrics
{
    /// <summary>sklearn's default clipping of probabilities in log loss (float64 machine epsilon).</summary>
    public const double LogLossEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// accuracy always; precision, recall and F1 for <paramref name="positiveLabel"/> when the labels seen (actual ∪
    /// predicted) are at most two and include it (or are a single label), otherwise macro averages over the labels
    /// seen; a 0/0 ratio counts as 0 (sklearn's zero_division). With <paramref name="positiveScores"/> (probability of
    /// the positive label per row, all finite): log loss with probabilities clipped to [ε, 1 − ε], and ROC AUC when
    /// both classes occur in <paramref name="actual"/>. Empty input gives an empty dictionary.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static IReadOnlyDictionary<string, double> Classification(
        IReadOnlyList<string> actual, IReadOnlyList<string> predicted, IReadOnlyList<double>? positiveScores = null, string positiveLabel = "1")
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Count != predicted.Count || (positiveScores is not null && positiveScores.Count != actual.Count))
        {
            throw new ArgumentException("actual, predicted and positiveScores must have the same length.", nameof(predicted));
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (actual.Count == 0)
        {
            return metrics;
        }
        var confusion = new Dictionary<string, (long TruePositive, long Predicted, long Actual)>(StringComparer.Ordinal);
        long correct = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            var (a, p) = (actual[i], predicted[i]);
            var aStats = confusion.GetValueOrDefault(a);
            confusion[a] = (aStats.TruePositive + (a == p ? 1 : 0), aStats.Predicted, aStats.Actual + 1);
            var pStats = confusion.GetValueOrDefault(p);
            confusion[p] = (pStats.TruePositive, pStats.Predicted + 1, pStats.Actual);
            correct += a == p ? 1 : 0;
        }
        metrics[QualityMetricNames.Accuracy] = (double)correct / actual.Count;
        var binary = confusion.Count == 1 || (confusion.Count == 2 && confusion.ContainsKey(positiveLabel));
        if (binary)
        {
            var (tp, predictedPositive, actualPositive) = confusion.GetValueOrDefault(positiveLabel);
            var (precision, recall, f1) = Scores(tp, predictedPositive, actualPositive);
            metrics[QualityMetricNames.Precision] = precision;
            metrics[QualityMetricNames.Recall] = recall;
            metrics[QualityMetricNames.F1] = f1;
        }
        else
        {
            double precisionSum = 0, recallSum = 0, f1Sum = 0;
            foreach (var (tp, predictedCount, actualCount) in confusion.Values)
            {
                var (precision, recall, f1) = Scores(tp, predictedCount, actualCount);
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
            }
            metrics[QualityMetricNames.Precision] = precisionSum / confusion.Count;
            metrics[QualityMetricNames.Recall] = recallSum / confusion.Count;
            metrics[QualityMetricNames.F1] = f1Sum / confusion.Count;
        }
        if (positiveScores is not null && AllFinite(positiveScores))
        {
            metrics[QualityMetricNames.LogLoss] = LogLoss(actual, positiveScores, positiveLabel);
            if (RocAuc(actual, positiveScores, positiveLabel) is { } auc)
            {
                metrics[QualityMetricNames.RocAuc] = auc;
            }
        }
        return metrics;
    }

    /// <summary>
    /// rmse, mae and r2 (sklearn's r2_score: 1 when both sums of squares are 0, 0 when only the total one is) over the
    /// pairs where both values are finite; r2 needs at least two pairs. No pair gives an empty dictionary.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static IReadOnlyDictionary<string, double> Regression(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
        {
            throw new ArgumentException("actual and predicted must have the same length.", nameof(predicted));
        }
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        long n = 0;
        double sumActual = 0, squared = 0, absolute = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (double.IsFinite(actual[i]) && double.IsFinite(predicted[i]))
            {
                var error = actual[i] - predicted[i];
                squared += error * error;
                absolute += Math.Abs(error);
                sumActual += actual[i];
                n++;
            }
        }
        if (n == 0)
        {
            return metrics;
        }
        metrics[QualityMetricNames.Rmse] = Math.Sqrt(squared / n);
        metrics[QualityMetricNames.Mae] = absolute / n;
        if (n >= 2)
        {
            var mean = sumActual / n;
            var total = 0.0;
            for (var i = 0; i < actual.Length; i++)
            {
                if (double.IsFinite(actual[i]) && double.IsFinite(predicted[i]))
                {
                    total += (actual[i] - mean) * (actual[i] - mean);
                }
            }
            metrics[QualityMetricNames.R2] = total != 0 ? 1 - squared / total : squared == 0 ? 1.0 : 0.0;
        }
        return metrics;
    }

    private static (double Precision, double Recall, double F1) Scores(long truePositive, long predicted, long actual)
    {
        var precision = predicted == 0 ? 0.0 : (double)truePositive / predicted;
        var recall = actual == 0 ? 0.0 : (double)truePositive / actual;
        var f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1);
    }

    private static bool AllFinite(IReadOnlyList<double> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static double LogLoss(IReadOnlyList<string> actual, IReadOnlyList<double> scores, string positiveLabel)
    {
        var total = 0.0;
        for (var i = 0; i < actual.Count; i++)
        {
            var p = Math.Clamp(scores[i], LogLossEpsilon, 1 - LogLossEpsilon);
            var q = 1 - p;
            // sklearn renormalises the two columns [1 − p, p] after clipping.
            var sum = q + p;
            total -= actual[i] == positiveLabel ? Math.Log(p / sum) : Math.Log(q / sum);
        }
        return total / actual.Count;
    }

    /// <summary>Area under the ROC curve as the Mann–Whitney U with tied scores counting half; null without both classes.</summary>
    private static double? RocAuc(IReadOnlyList<string> actual, IReadOnlyList<double> scores, string positiveLabel)
    {
        var n = actual.Count;
        var order = new int[n];
        var keys = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = scores[i];
        }
        Array.Sort(keys, order);
        long positives = 0;
        double positiveRankSum = 0;
        for (var start = 0; start < n;)
        {
            var end = start;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }
            // Tied scores share the mean of ranks start+1 … end.
            var rank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                if (actual[order[k]] == positiveLabel)
                {
                    positives++;
                    positiveRankSum += rank;
                }
            }
            start = end;
        }
        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
