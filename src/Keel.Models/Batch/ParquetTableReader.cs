using Keel.Core.Common;
using Parquet;
using Parquet.Schema;

namespace Keel.Models.Batch;

/// <summary>
/// Reads Parquet a row group at a time (the smallest unit the format decodes), handing it out in chunks; only the
/// selected columns are decoded. Progress is the share of rows handed out, applied to the file's size.
/// </summary>
internal sealed class ParquetTableReader : ITableReader
{
    private readonly ParquetReader _parquet;
    private readonly DataField[] _fields;
    private readonly long _totalRows;
    private readonly long _totalBytes;
    private int[] _selected = [];
    private int _nextGroup;
    private Array?[]? _group;
    private int _groupRows;
    private int _groupOffset;
    private long _rowsRead;

    private ParquetTableReader(ParquetReader parquet, long totalBytes)
    {
        _parquet = parquet;
        _totalBytes = totalBytes;
        // Nested fields (lists, structs) have no place in a flat table of model inputs; they are left out of the header.
        _fields = [.. parquet.Schema.Fields.OfType<DataField>().Where(f => !f.IsArray)];
        Header = [.. _fields.Select(f => f.Name)];
        _totalRows = parquet.RowGroups.Sum(g => g.RowCount);
    }

    public IReadOnlyList<string> Header { get; }

    public long BytesRead => _totalRows == 0 ? _totalBytes : (long)(_totalBytes * ((double)_rowsRead / _totalRows));

    public long TotalBytes => _totalBytes;

    public static async Task<ParquetTableReader> OpenAsync(Stream input, bool leaveOpen, CancellationToken ct)
    {
        var parquet = await ParquetReader.CreateAsync(input, new ParquetOptions { TreatByteArrayAsString = true }, leaveOpen, ct);
        return new ParquetTableReader(parquet, input.Length);
    }

    public void Select(IReadOnlySet<int> columns)
    {
        var unsupported = columns.Where(c => ElementType(_fields[c]) is null).Select(c => $"'{_fields[c].Name}' ({_fields[c].ClrType.Name})").ToList();
        if (unsupported.Count > 0)
        {
            throw KeelException.InvalidParameter($"Parquet column(s) of a type batch scoring cannot read: {string.Join(", ", unsupported)}.");
        }

        _selected = [.. columns.Order()];
    }

    public Type KeptType(int column) => ElementType(_fields[column]) ?? typeof(string);

    public async ValueTask<RawChunk?> ReadAsync(int maxRows, CancellationToken ct)
    {
        while (_group is null || _groupOffset >= _groupRows)
        {
            if (_nextGroup >= _parquet.RowGroupCount)
            {
                return null;
            }

            await LoadGroupAsync(_nextGroup++, ct);
        }

        var rows = Math.Min(maxRows, _groupRows - _groupOffset);
        var columns = new RawColumn?[_fields.Length];
        foreach (var c in _selected)
        {
            var all = _group[c]!;
            var slice = _groupOffset == 0 && rows == all.Length ? all : Array.CreateInstance(all.GetType().GetElementType()!, rows);
            if (slice != all)
            {
                Array.Copy(all, _groupOffset, slice, 0, rows);
            }

            columns[c] = new TypedColumn(slice);
        }

        _groupOffset += rows;
        var first = _rowsRead + 1;
        _rowsRead += rows;
        return new RawChunk(first, rows, columns, new string?[rows]);
    }

    private async Task LoadGroupAsync(int index, CancellationToken ct)
    {
        var group = _parquet.OpenRowGroupReader(index);
        _groupRows = checked((int)group.RowCount);
        _groupOffset = 0;
        _group = new Array?[_fields.Length];
        foreach (var c in _selected)
        {
            _group[c] = await ReadColumnAsync(group, _fields[c], _groupRows, ct);
        }
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        var type = field.ClrType;
        if (IsText(type))
        {
            var strings = new string?[rows];
            await group.ReadAsync(field, strings.AsMemory(), null, ct);
            return strings;
        }

        return type == typeof(bool) ? await ReadAsync<bool>(group, field, rows, ct)
            : type == typeof(int) ? await ReadAsync<int>(group, field, rows, ct)
            : type == typeof(long) ? await ReadAsync<long>(group, field, rows, ct)
            : type == typeof(float) ? await ReadAsync<float>(group, field, rows, ct)
            : type == typeof(double) ? await ReadAsync<double>(group, field, rows, ct)
            : type == typeof(short) ? await ReadAsync<short>(group, field, rows, ct)
            : type == typeof(byte) ? await ReadAsync<byte>(group, field, rows, ct)
            : type == typeof(sbyte) ? await ReadAsync<sbyte>(group, field, rows, ct)
            : type == typeof(decimal) ? await ReadAsync<decimal>(group, field, rows, ct)
            : throw new InvalidOperationException($"unsupported Parquet type {type.Name}");
    }

    private static async Task<Array> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[rows];
            await group.ReadAsync(field, nullable.AsMemory(), null, ct);
            return nullable;
        }

        var values = new T[rows];
        await group.ReadAsync(field, values.AsMemory(), null, ct);
        return values;
    }

    // Parquet.Net 6 reports UTF-8 columns as ReadOnlyMemory<char>; they read into strings all the same.
    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static readonly Type[] Readable =
        [typeof(string), typeof(ReadOnlyMemory<char>), typeof(bool), typeof(int), typeof(long), typeof(float), typeof(double), typeof(short), typeof(byte), typeof(sbyte), typeof(decimal)];

    // What ReadColumnAsync returns elements of; null for a type it cannot read.
    private static Type? ElementType(DataField field) =>
        !Readable.Contains(field.ClrType) ? null
        : IsText(field.ClrType) ? typeof(string)
        : !field.IsNullable ? field.ClrType
        : typeof(Nullable<>).MakeGenericType(field.ClrType);

    public ValueTask DisposeAsync() => _parquet.DisposeAsync();
}
