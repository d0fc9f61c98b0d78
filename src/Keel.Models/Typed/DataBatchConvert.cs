using Keel.Core.Common;
using Keel.Core.Models;

namespace Keel.Models.Typed;

/// <summary>
/// Converts between plain row objects and <see cref="DataBatch"/> columns. A public property or field becomes a
/// column named after it, or after ML.NET's <c>[ColumnName]</c>; <c>[NoColumn]</c> leaves it out. Members hold
/// bool, int, long, float, double or string, or a one-dimensional array of them; an array's row shape is the one
/// <c>[VectorType(n)]</c> declares, else the length of the first row's array.
/// </summary>
public static class DataBatchConvert
{
    /// <summary>One column per readable member of <typeparamref name="T"/>, one row per object.</summary>
    /// <exception cref="KeelException">An array member's length differs from its declared (or first row's) length,
    /// or is null (INVALID_PARAMETER_VALUE, naming the column).</exception>
    public static DataBatch FromObjects<T>(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var boxed = rows.Select(r => (object?)r ?? throw new ArgumentException("A row is null.", nameof(rows))).ToList();
        return new DataBatch([.. RowLayout.Of(typeof(T)).Readable.Select(m => m.Read(boxed))]);
    }

    /// <summary>
    /// One new <typeparamref name="T"/> per row, each writable member set from the column of its name; members
    /// without a column keep their default, columns without a member are ignored.
    /// </summary>
    /// <exception cref="KeelException">A column's type cannot fill its member (INVALID_PARAMETER_VALUE, naming
    /// both).</exception>
    public static IReadOnlyList<T> ToObjects<T>(DataBatch batch)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rows = new T[batch.RowCount];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new T();
        }

        foreach (var member in RowLayout.Of(typeof(T)).Writable)
        {
            var column = batch.Find(member.ColumnName);
            if (column is null)
            {
                continue;
            }

            if (!member.Accepts(column.Type, column.RowLength))
            {
                throw Mismatch(member, column.Type, column.RowShape);
            }

            member.Write(rows, column);
        }

        return rows;
    }

    /// <summary>Fails fast when a predictor declares an output <typeparamref name="T"/> cannot hold.</summary>
    internal static void CheckOutputs<T>(IReadOnlyList<ColumnSchema> outputs)
    {
        foreach (var member in RowLayout.Of(typeof(T)).Writable)
        {
            var output = outputs.FirstOrDefault(o => o.Name == member.ColumnName);
            if (output is not null && (output.Type != member.Type || (!member.IsArray && output.RowShape.Any(d => d > 1))))
            {
                throw Mismatch(member, output.Type, output.RowShape);
            }
        }
    }

    private static KeelException Mismatch(RowMember member, DataType type, IReadOnlyList<int> rowShape)
    {
        var shape = rowShape.Count == 0 ? "scalar" : $"vector of {string.Join('x', rowShape)}";
        return KeelException.InvalidParameter(
            $"Output column '{member.ColumnName}' holds {type} {shape} values, which member {member.MemberName} ({member.Describe()}) cannot hold.");
    }
}
