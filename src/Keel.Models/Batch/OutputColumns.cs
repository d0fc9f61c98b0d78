using Keel.Core.Models;

namespace Keel.Models.Batch;

/// <summary>Model outputs as flat output columns: a tensor of k values per row becomes k columns, name_0 … name_{k-1}.</summary>
internal static class OutputColumns
{
    public static List<OutputColumn> Flatten(DataBatch outputs)
    {
        var columns = new List<OutputColumn>();
        foreach (var column in outputs.Columns)
        {
            if (column.RowLength == 1)
            {
                columns.Add(new OutputColumn(column.Name, column.Values));
                continue;
            }

            var rows = column.RowCount;
            for (var j = 0; j < column.RowLength; j++)
            {
                var values = Array.CreateInstance(column.Values.GetType().GetElementType()!, rows);
                for (var r = 0; r < rows; r++)
                {
                    values.SetValue(column.Values.GetValue((r * column.RowLength) + j), r);
                }

                columns.Add(new OutputColumn($"{column.Name}_{j}", values));
            }
        }

        return columns;
    }

    /// <summary>The names and types the model says it returns, for an output that never got a scored row.</summary>
    public static List<OutputColumn> Empty(IReadOnlyList<ColumnSchema> outputs)
    {
        var columns = new List<OutputColumn>();
        foreach (var output in outputs)
        {
            var element = DataTypes.ElementType(output.Type);
            var length = output.RowShape.All(d => d > 0) ? output.RowShape.Aggregate(1, (p, d) => p * d) : 1;
            columns.AddRange(length == 1
                ? [new OutputColumn(output.Name, Array.CreateInstance(element, 0))]
                : Enumerable.Range(0, length).Select(j => new OutputColumn($"{output.Name}_{j}", Array.CreateInstance(element, 0))));
        }

        return columns;
    }

    /// <summary>Joins per-row results (the fallback that isolates a failing row) into one set of columns.</summary>
    public static List<OutputColumn> Concat(List<List<OutputColumn>> parts)
    {
        var first = parts[0];
        var columns = new List<OutputColumn>(first.Count);
        for (var c = 0; c < first.Count; c++)
        {
            var values = Array.CreateInstance(first[c].Values.GetType().GetElementType()!, parts.Sum(p => p[c].Values.Length));
            var at = 0;
            foreach (var part in parts)
            {
                Array.Copy(part[c].Values, 0, values, at, part[c].Values.Length);
                at += part[c].Values.Length;
            }

            columns.Add(new OutputColumn(first[c].Name, values));
        }

        return columns;
    }

    /// <summary>The rows at <paramref name="rows"/> of <paramref name="values"/>, in order.</summary>
    public static Array Take(Array values, IReadOnlyList<int> rows)
    {
        if (rows.Count == values.Length)
        {
            return values;
        }

        var taken = Array.CreateInstance(values.GetType().GetElementType()!, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Array.Copy(values, rows[i], taken, i, 1);
        }

        return taken;
    }
}
