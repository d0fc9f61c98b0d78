using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tabular;

/// <summary>
/// Reads a Parquet file one row group at a time, one column at a time (the smallest units the format decodes), so
/// memory is one column chunk of one row group. Types come from the schema: whole numbers are integer, float, double
/// and decimal are double, bool is boolean, DateTime and DateOnly are datetime, text is string. Nested fields (lists,
/// maps, structs) and value types outside those are left out of the table.
/// </summary>
internal sealed class ParquetTabularReader : ITabularReader
{
    private readonly ParquetReader _parquet;
    private readonly DataField[] _fields;
    private int _nextGroup;

    private ParquetTabularReader(ParquetReader parquet)
    {
        _parquet = parquet;
        _fields = [.. parquet.Schema.Fields.OfType<DataField>().Where(f => !f.IsArray && KindOf(f.ClrType) is not null)];
        Columns = [.. _fields.Select(f => new TabularColumn(f.Name, KindOf(f.ClrType)!))];
    }

    public IReadOnlyList<TabularColumn> Columns { get; }

    public static async Task<ParquetTabularReader> OpenAsync(string path, CancellationToken ct)
    {
        try
        {
            var parquet = await ParquetReader.CreateAsync(path, new ParquetOptions { TreatByteArrayAsString = true }, ct);
            return new ParquetTabularReader(parquet);
        }
        catch (Exception e) when (e is not (OperationCanceledException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException))
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"{path}: not a readable Parquet file: {e.Message}", e);
        }
    }

    public ValueTask<ITabularBatch?> ReadAsync(CancellationToken ct)
    {
        // Empty row groups carry nothing; skipping them keeps callers from handling zero-row batches.
        while (_nextGroup < _parquet.RowGroupCount)
        {
            var group = _parquet.OpenRowGroupReader(_nextGroup++);
            if (group.RowCount > 0)
            {
                return ValueTask.FromResult<ITabularBatch?>(new Batch(group, _fields));
            }
        }
        return ValueTask.FromResult<ITabularBatch?>(null);
    }

    public ValueTask DisposeAsync() => _parquet.DisposeAsync();

    // Parquet.Net 6 reports UTF-8 columns as ReadOnlyMemory<char>; they read as strings all the same.
    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static string? KindOf(Type type) =>
        IsText(type) ? ColumnKinds.Text
        : type == typeof(bool) ? ColumnKinds.Flag
        : type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte)
          || type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) ? ColumnKinds.Whole
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? ColumnKinds.Real
        : type == typeof(DateTime) || type == typeof(DateOnly) ? ColumnKinds.Timestamp
        : null;

    private sealed class Batch(ParquetRowGroupReader group, DataField[] fields) : ITabularBatch
    {
        public int RowCount { get; } = checked((int)group.RowCount);

        public async ValueTask<TabularCells> ColumnAsync(int index, CancellationToken ct)
        {
            var field = fields[index];
            var type = field.ClrType;
            if (IsText(type))
            {
                var strings = new string?[RowCount];
                await group.ReadAsync(field, strings.AsMemory(), null, ct);
                return new ParquetTextCells(strings);
            }

            return type == typeof(bool) ? new ParquetCells<bool>(await ReadAsync<bool>(field, ct), CanonicalText.Flag, null)
                : type == typeof(long) ? Whole(await ReadAsync<long>(field, ct), v => v)
                : type == typeof(int) ? Whole(await ReadAsync<int>(field, ct), v => v)
                : type == typeof(short) ? Whole(await ReadAsync<short>(field, ct), v => v)
                : type == typeof(sbyte) ? Whole(await ReadAsync<sbyte>(field, ct), v => v)
                : type == typeof(byte) ? Whole(await ReadAsync<byte>(field, ct), v => v)
                : type == typeof(ushort) ? Whole(await ReadAsync<ushort>(field, ct), v => v)
                : type == typeof(uint) ? Whole(await ReadAsync<uint>(field, ct), v => v)
                : type == typeof(double) ? new ParquetCells<double>(await ReadAsync<double>(field, ct), ParquetValues.Real, v => v)
                : type == typeof(float) ? new ParquetCells<float>(await ReadAsync<float>(field, ct), ParquetValues.Compact, v => v)
                : type == typeof(decimal) ? new ParquetCells<decimal>(await ReadAsync<decimal>(field, ct), v => ParquetValues.Real((double)v), v => (double)v)
                : type == typeof(DateTime) ? new ParquetCells<DateTime>(await ReadAsync<DateTime>(field, ct), ParquetValues.Time, null)
                : type == typeof(DateOnly) ? new ParquetCells<DateOnly>(await ReadAsync<DateOnly>(field, ct), v => ParquetValues.Time(v.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)), null)
                : throw new InvalidOperationException($"unsupported Parquet type {type.Name}");
        }

        private static ParquetCells<T> Whole<T>(T?[] values, Func<T, long> widen)
            where T : struct => new(values, v => ParquetValues.Whole(widen(v)), v => widen(v));

        private async Task<T?[]> ReadAsync<T>(DataField field, CancellationToken ct)
            where T : struct
        {
            var values = new T?[RowCount];
            if (field.IsNullable)
            {
                await group.ReadAsync(field, values.AsMemory(), null, ct);
                return values;
            }

            var plain = new T[RowCount];
            await group.ReadAsync(field, plain.AsMemory(), null, ct);
            for (var i = 0; i < plain.Length; i++)
            {
                values[i] = plain[i];
            }
            return values;
        }
    }
}
