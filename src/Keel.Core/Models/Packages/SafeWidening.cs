namespace Keel.Core.Models.Packages;

/// <summary>
/// The type conversions that cannot change a value: Int32 to Int64 or Float64, Float32 to Float64. This is
/// numpy's "safe" casting, which MLflow's schema enforcement also applies; Int64 to Float64 and Int32 to
/// Float32 can round large values, so they are refused.
/// </summary>
internal static class SafeWidening
{
    public static bool IsAllowed(DataType from, DataType to) => from == to || (from, to) switch
    {
        (DataType.Int32, DataType.Int64) => true,
        (DataType.Int32, DataType.Float64) => true,
        (DataType.Float32, DataType.Float64) => true,
        _ => false,
    };

    public static DataColumn Widen(DataColumn column, string name, DataType to)
    {
        if (column.Type == to)
        {
            return column.Name == name ? column : new DataColumn(name, to, column.Values, column.RowShape);
        }
        Array values = (column.Values, to) switch
        {
            (int[] ints, DataType.Int64) => Array.ConvertAll(ints, v => (long)v),
            (int[] ints, DataType.Float64) => Array.ConvertAll(ints, v => (double)v),
            (float[] floats, DataType.Float64) => Array.ConvertAll(floats, v => (double)v),
            _ => throw new InvalidOperationException($"{column.Type} cannot be widened to {to}."),
        };
        return new DataColumn(name, to, values, column.RowShape);
    }
}
