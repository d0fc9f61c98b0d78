using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MlNet;

/// <summary>
/// A read-only <see cref="IDataView"/> over the arrays of a <see cref="DataBatch"/>: ML.NET reads the values in
/// place, row by row, so scoring needs no temp file and no per-row objects.
/// </summary>
internal sealed class BatchDataView : IDataView
{
    // Per column: the values in ML.NET's own element type (strings become ReadOnlyMemory<char>) and the row length.
    private readonly Array[] _values;
    private readonly int[] _rowLengths;
    private readonly bool[] _isVector;
    private readonly int _rowCount;

    /// <param name="schema">The ML.NET columns to expose, in order.</param>
    /// <param name="sources">The batch column behind each schema column, already checked to match it.</param>
    /// <param name="rowCount">The batch's row count.</param>
    public BatchDataView(DataViewSchema schema, IReadOnlyList<DataColumn> sources, int rowCount)
    {
        Schema = schema;
        _rowCount = rowCount;
        _values = new Array[sources.Count];
        _rowLengths = new int[sources.Count];
        _isVector = new bool[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            _values[i] = sources[i].Values is string[] strings
                ? Array.ConvertAll(strings, s => (s ?? string.Empty).AsMemory())
                : sources[i].Values;
            _rowLengths[i] = sources[i].RowLength;
            _isVector[i] = schema[i].Type is VectorDataViewType;
        }
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchDataView _view;
        private readonly bool[] _active;
        private int _row = -1;

        public Cursor(BatchDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            _view = view;
            _active = new bool[view.Schema.Count];
            foreach (var column in columnsNeeded)
            {
                _active[column.Index] = true;
            }
        }

        public override long Position => _row;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (_row + 1 >= _view._rowCount)
            {
                _row = _view._rowCount;
                return false;
            }

            _row++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            }

            var index = column.Index;
            var getter = _view._values[index] switch
            {
                float[] values => Getter(values, index),
                double[] values => Getter(values, index),
                int[] values => Getter(values, index),
                long[] values => Getter(values, index),
                bool[] values => Getter(values, index),
                ReadOnlyMemory<char>[] values => Getter(values, index),
                var other => throw new InvalidOperationException($"Column '{column.Name}' holds unsupported values ({other.GetType().Name})."),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is read as {getter.GetType().Name}, not {typeof(ValueGetter<TValue>).Name}.");
        }

        private Delegate Getter<T>(T[] values, int column)
        {
            if (!_view._isVector[column])
            {
                return (ValueGetter<T>)((ref T value) => value = values[_row]);
            }

            var length = _view._rowLengths[column];
            return (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
            {
                var editor = VBufferEditor.Create(ref value, length);
                values.AsSpan(_row * length, length).CopyTo(editor.Values);
                value = editor.Commit();
            });
        }
    }
}
