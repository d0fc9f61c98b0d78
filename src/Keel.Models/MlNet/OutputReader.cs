using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MlNet;

/// <summary>Copies one output column of a transformed <see cref="IDataView"/>, row by row, into a Keel column.</summary>
internal abstract class OutputReader
{
    public abstract void ReadRow(int row);

    public abstract DataColumn ToColumn();

    // schema is what MlNetColumns.ToOutputSchema made of column.
    public static OutputReader Create(DataViewRowCursor cursor, DataViewSchema.Column column, ColumnSchema schema, int rowCount)
    {
        if (column.Type is KeyDataViewType)
        {
            return schema.Type switch
            {
                DataType.String => Key<ReadOnlyMemory<char>, string>(cursor, column, schema, static m => m.ToString(), string.Empty, rowCount),
                DataType.Float32 => Key<float, float>(cursor, column, schema, static v => v, float.NaN, rowCount),
                DataType.Float64 => Key<double, double>(cursor, column, schema, static v => v, double.NaN, rowCount),
                DataType.Int32 => Key<int, int>(cursor, column, schema, static v => v, 0, rowCount),
                DataType.Int64 => Key<long, long>(cursor, column, schema, static v => v, 0, rowCount),
                DataType.Boolean => Key<bool, bool>(cursor, column, schema, static v => v, false, rowCount),
                _ => throw new ArgumentOutOfRangeException(nameof(schema), schema.Type, "unknown data type"),
            };
        }

        return schema.Type switch
        {
            DataType.String => Values<ReadOnlyMemory<char>, string>(cursor, column, schema, static m => m.ToString(), rowCount),
            DataType.Float32 => Values<float, float>(cursor, column, schema, static v => v, rowCount),
            DataType.Float64 => Values<double, double>(cursor, column, schema, static v => v, rowCount),
            DataType.Int32 => Values<int, int>(cursor, column, schema, static v => v, rowCount),
            DataType.Int64 => Values<long, long>(cursor, column, schema, static v => v, rowCount),
            DataType.Boolean => Values<bool, bool>(cursor, column, schema, static v => v, rowCount),
            _ => throw new ArgumentOutOfRangeException(nameof(schema), schema.Type, "unknown data type"),
        };
    }

    private static OutputReader Values<TRaw, T>(
        DataViewRowCursor cursor, DataViewSchema.Column column, ColumnSchema schema, Func<TRaw, T> convert, int rowCount) =>
        schema.RowShape.Count == 0
            ? new Scalar<TRaw, T>(cursor.GetGetter<TRaw>(column), convert, schema, rowCount)
            : new Vector<TRaw, T>(cursor.GetGetter<VBuffer<TRaw>>(column), convert, schema, rowCount);

    // Keys count from 1; 0 is ML.NET's missing key, which reads as the type's missing value.
    private static Scalar<uint, T> Key<TValue, T>(
        DataViewRowCursor cursor, DataViewSchema.Column column, ColumnSchema schema, Func<TValue, T> convert, T missing, int rowCount)
    {
        var buffer = default(VBuffer<TValue>);
        column.GetKeyValues(ref buffer);
        var values = buffer.DenseValues().Select(convert).ToArray();
        return new Scalar<uint, T>(
            cursor.GetGetter<uint>(column), key => key == 0 || key > values.Length ? missing : values[key - 1], schema, rowCount);
    }

    private sealed class Scalar<TRaw, T>(ValueGetter<TRaw> getter, Func<TRaw, T> convert, ColumnSchema schema, int rowCount)
        : OutputReader
    {
        private readonly T[] _values = new T[rowCount];
        private TRaw _raw = default!;

        public override void ReadRow(int row)
        {
            getter(ref _raw);
            _values[row] = convert(_raw);
        }

        public override DataColumn ToColumn() => new(schema.Name, schema.Type, _values);
    }

    private sealed class Vector<TRaw, T>(ValueGetter<VBuffer<TRaw>> getter, Func<TRaw, T> convert, ColumnSchema schema, int rowCount)
        : OutputReader
    {
        private readonly int _length = schema.RowShape[0];
        private readonly T[] _values = new T[rowCount * schema.RowShape[0]];
        private VBuffer<TRaw> _buffer;

        public override void ReadRow(int row)
        {
            getter(ref _buffer);
            var offset = row * _length;
            var i = 0;
            foreach (var value in _buffer.DenseValues())
            {
                _values[offset + i++] = convert(value);
            }
        }

        public override DataColumn ToColumn() => new(schema.Name, schema.Type, _values, schema.RowShape);
    }
}
