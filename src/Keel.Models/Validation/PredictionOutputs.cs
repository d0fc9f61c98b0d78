using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Models;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Models.Validation;

/// <summary>
/// Which of a model's outputs is its prediction and which its positive-class probability, and their values per row.
/// Unless named, the prediction is the first output called (ignoring case) <c>PredictedLabel</c>, <c>predicted_label</c>,
/// <c>label</c>, <c>output_label</c>, <c>prediction</c> or <c>predictions</c> for classification, <c>Score</c>,
/// <c>prediction</c>, <c>predictions</c>, <c>variable</c> or <c>output</c> for regression, else the first output; the
/// probability is <c>Probability</c>, <c>probability</c> or <c>probabilities</c> (with two values per row, the second).
/// A prediction with several values per row is read as class scores: the label is the index of the largest.
/// </summary>
internal static class PredictionOutputs
{
    private static readonly string[] LabelNames = ["PredictedLabel", "predicted_label", "label", "output_label", "prediction", "predictions"];
    private static readonly string[] ValueNames = ["Score", "prediction", "predictions", "variable", "output"];
    private static readonly string[] ScoreNames = ["Probability", "probability", "probabilities"];

    public static string PredictionName(IReadOnlyList<ColumnSchema> outputs, TaskKind task, string? named)
    {
        if (named is not null)
        {
            return outputs.Any(o => o.Name == named) ? named
                : throw KeelException.InvalidParameter($"The model has no output '{named}'; its outputs are {string.Join(", ", outputs.Select(o => o.Name))}.");
        }
        var wanted = task == TaskKind.Regression ? ValueNames : LabelNames;
        return Find(outputs, wanted)
            ?? (outputs.Count > 0 ? outputs[0].Name : throw KeelException.InvalidParameter("The model declares no outputs."));
    }

    public static string? ScoreName(IReadOnlyList<ColumnSchema> outputs, string? named)
    {
        if (named is not null)
        {
            return outputs.Any(o => o.Name == named) ? named
                : throw KeelException.InvalidParameter($"The model has no output '{named}'; its outputs are {string.Join(", ", outputs.Select(o => o.Name))}.");
        }
        return Find(outputs, ScoreNames);
    }

    public static string[] Labels(DataColumn column)
    {
        var labels = new string[column.RowCount];
        for (var r = 0; r < labels.Length; r++)
        {
            labels[r] = column.RowLength == 1
                ? LabelText.OfValue(column.Values.GetValue(r))
                : ArgMax(column, r).ToString(CultureInfo.InvariantCulture);
        }
        return labels;
    }

    /// <summary>The positive class's probability per row: the value itself, or the second of two per row; null otherwise.</summary>
    public static double[]? Scores(DataColumn column)
    {
        if (column.RowLength > 2 || column.Type is DataType.String or DataType.Boolean)
        {
            return null;
        }
        var scores = new double[column.RowCount];
        for (var r = 0; r < scores.Length; r++)
        {
            scores[r] = Number(column.Values.GetValue((r * column.RowLength) + column.RowLength - 1));
        }
        return scores;
    }

    public static double[] Values(DataColumn column)
    {
        if (column.RowLength != 1 || column.Type is DataType.String)
        {
            throw KeelException.InvalidParameter($"Output '{column.Name}' is not one number per row, so it cannot be a regression prediction; name one with prediction_output.");
        }
        var values = new double[column.RowCount];
        for (var r = 0; r < values.Length; r++)
        {
            values[r] = Number(column.Values.GetValue(r));
        }
        return values;
    }

    private static int ArgMax(DataColumn column, int row)
    {
        var best = 0;
        for (var j = 1; j < column.RowLength; j++)
        {
            if (Number(column.Values.GetValue((row * column.RowLength) + j)) > Number(column.Values.GetValue((row * column.RowLength) + best)))
            {
                best = j;
            }
        }
        return best;
    }

    private static double Number(object? value) => value switch
    {
        bool flag => flag ? 1 : 0,
        IConvertible number and not string => number.ToDouble(CultureInfo.InvariantCulture),
        _ => double.NaN,
    };

    private static string? Find(IReadOnlyList<ColumnSchema> outputs, string[] names)
    {
        foreach (var name in names)
        {
            if (outputs.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)) is { } output)
            {
                return output.Name;
            }
        }
        return null;
    }
}
