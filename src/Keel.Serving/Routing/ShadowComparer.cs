using Keel.Core.Models;

namespace Keel.Serving.Routing;

// Compares a shadow's outputs with the answer returned, column by column of that answer (columns only the shadow
// returns are ignored: it is the returned answer that a promotion would change).
internal static class ShadowComparer
{
    public static IReadOnlyList<ShadowColumnComparison> Compare(DataBatch primary, DataBatch shadow, double tolerance)
    {
        var columns = new List<ShadowColumnComparison>(primary.Columns.Count);
        foreach (var expected in primary.Columns)
        {
            var actual = shadow.Find(expected.Name);
            columns.Add(actual is null
                ? new ShadowColumnComparison(expected.Name, Equal: false, MaxAbsoluteDifference: null)
                : CompareColumn(expected, actual, tolerance));
        }
        return columns;
    }

    private static ShadowColumnComparison CompareColumn(DataColumn expected, DataColumn actual, double tolerance)
    {
        var sameLength = expected.Values.Length == actual.Values.Length;
        if (sameLength && IsNumeric(expected.Type) && IsNumeric(actual.Type))
        {
            var max = MaxAbsoluteDifference(expected.Values, actual.Values);
            return new ShadowColumnComparison(expected.Name, max <= tolerance, max);
        }

        var equal = sameLength && expected.Type == actual.Type && SameValues(expected.Values, actual.Values);
        return new ShadowColumnComparison(expected.Name, equal, MaxAbsoluteDifference: null);
    }

    private static bool IsNumeric(DataType type) => type is DataType.Int32 or DataType.Int64 or DataType.Float32 or DataType.Float64;

    private static double MaxAbsoluteDifference(Array expected, Array actual)
    {
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var a = Convert.ToDouble(expected.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            var b = Convert.ToDouble(actual.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            var difference = double.IsNaN(a) && double.IsNaN(b) ? 0 : double.IsNaN(a) || double.IsNaN(b) ? double.PositiveInfinity : Math.Abs(a - b);
            max = Math.Max(max, difference);
        }
        return max;
    }

    private static bool SameValues(Array expected, Array actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (!Equals(expected.GetValue(i), actual.GetValue(i)))
            {
                return false;
            }
        }
        return true;
    }
}
