namespace Keel.Cli.Quickstart;

/// <summary>The two learning-curve metrics, computed from scores the trainer already has.</summary>
internal static class BinaryMetrics
{
    // Probabilities are clipped as scikit-learn does, so one confident mistake costs a lot but not infinity.
    private const double Epsilon = 1e-15;

    /// <summary>Mean negative log-likelihood in nats (scikit-learn's and MLflow's convention; ML.NET reports bits).</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Length;
    }

    /// <summary>Area under the ROC curve: the chance a random positive outscores a random negative, ties counting half.</summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);

        // Sum of the positives' ranks, with tied scores sharing their average rank (Mann–Whitney U).
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
            {
                end++;
            }

            var averageRank = (start + end + 2) / 2.0;
            for (var i = start; i <= end; i++)
            {
                if (labels[order[i]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        var negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }
}
