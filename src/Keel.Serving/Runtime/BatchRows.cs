using Keel.Core.Models;

namespace Keel.Serving.Runtime;

// Column-wise concatenation of requests into one predictor call, and slicing its outputs back by row range.
internal static class BatchRows
{
    // Requests with the same key have the same columns, in the same order, with the same types and row shapes.
    public static string Key(DataBatch batch) =>
        string.Join('|', batch.Columns.Select(c => $"{c.Name}:{c.Type}:{string.Join('x', c.RowShape)}"));

    public static DataBatch Concat(IReadOnlyList<DataBatch> parts)
    {
        var first = parts[0];
        var columns = new DataColumn[first.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var template = first.Columns[i];
            var values = Array.CreateInstance(DataTypes.ElementType(template.Type), parts.Sum(p => p.Columns[i].Values.Length));
            var offset = 0;
            foreach (var part in parts)
            {
                var source = part.Columns[i].Values;
                Array.Copy(source, 0, values, offset, source.Length);
                offset += source.Length;
            }
            columns[i] = new DataColumn(template.Name, template.Type, values, template.RowShape);
        }
        return new DataBatch(columns);
    }

    public static DataBatch Slice(DataBatch batch, int startRow, int rowCount) => new(
    [
        .. batch.Columns.Select(column =>
        {
            var values = Array.CreateInstance(DataTypes.ElementType(column.Type), rowCount * column.RowLength);
            Array.Copy(column.Values, startRow * column.RowLength, values, 0, values.Length);
            return new DataColumn(column.Name, column.Type, values, column.RowShape);
        }),
    ]);
}
