using Keel.Core.Models;

namespace Keel.Serving.Runtime;

// Column-wise concatenation of requests into one predictor call, and slicing its outputs back by row range.
internal static class BatchRows
{
    // Requests of the same layout have the same columns, in the same order, with the same types and row shapes.
    public static bool SameLayout(DataBatch a, DataBatch b)
    {
        if (a.Columns.Count != b.Columns.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Columns.Count; i++)
        {
            var (x, y) = (a.Columns[i], b.Columns[i]);
            if (x.Type != y.Type || !string.Equals(x.Name, y.Name, StringComparison.Ordinal) || x.RowShape.Count != y.RowShape.Count)
            {
                return false;
            }

            for (var d = 0; d < x.RowShape.Count; d++)
            {
                if (x.RowShape[d] != y.RowShape[d])
                {
                    return false;
                }
            }
        }

        return true;
    }

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

    public static DataBatch Slice(DataBatch batch, int startRow, int rowCount)
    {
        var columns = new DataColumn[batch.Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = batch.Columns[i];
            var values = Array.CreateInstance(DataTypes.ElementType(column.Type), rowCount * column.RowLength);
            Array.Copy(column.Values, startRow * column.RowLength, values, 0, values.Length);
            columns[i] = new DataColumn(column.Name, column.Type, values, column.RowShape);
        }
        return new DataBatch(columns);
    }
}
