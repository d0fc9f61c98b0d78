using System.Globalization;
using Keel.Core.Models;

namespace Keel.Models.Packages;

/// <summary>
/// How an ONNX export's outputs compare with the ML.NET model it came from, column by column, on the same rows.
/// Numbers must agree within <see cref="Tolerance"/> (relative above 1); labels must be equal.
/// </summary>
public sealed record OnnxExportCheck(int Rows, IReadOnlyList<OutputDifference> Columns)
{
    public const double Tolerance = 1e-5;

    public bool Passed => Columns.Count > 0 && Columns.All(c => c.Within);

    public string Describe() => Columns.Count == 0
        ? "the two models share no output column"
        : string.Join("; ", Columns.Select(c => c.ToString()));

    internal static OnnxExportCheck Compare(IPredictor expected, IPredictor actual, DataBatch rows)
    {
        var want = expected.Predict(rows);
        var got = actual.Predict(rows);
        var columns = new List<OutputDifference>();
        foreach (var column in want.Columns)
        {
            if (got.Find(column.Name) is { } other && other.Values.Length == column.Values.Length)
            {
                columns.Add(OutputDifference.Of(column, other));
            }
        }

        return new OnnxExportCheck(rows.RowCount, columns);
    }
}

/// <summary>The largest difference seen in one output column (for labels: how many rows differ).</summary>
public sealed record OutputDifference(string Column, double MaxDifference, bool Within)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Column}: max difference {MaxDifference:G3}{(Within ? "" : " (too large)")}");

    internal static OutputDifference Of(DataColumn expected, DataColumn actual)
    {
        var max = 0.0;
        var within = true;
        for (var i = 0; i < expected.Values.Length; i++)
        {
            var (a, b) = (ToDouble(expected.Values.GetValue(i)), ToDouble(actual.Values.GetValue(i)));
            var difference = Math.Abs(a - b);
            max = Math.Max(max, double.IsNaN(difference) ? double.PositiveInfinity : difference);
            within &= difference <= OnnxExportCheck.Tolerance * Math.Max(1, Math.Abs(a));
        }

        return new OutputDifference(expected.Name, max, within);
    }

    private static double ToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        IConvertible c when value is not string => c.ToDouble(CultureInfo.InvariantCulture),
        _ => double.NaN,
    };
}
