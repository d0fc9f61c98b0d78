using Parquet;
using Parquet.Schema;

namespace Keel.Models.Batch;

/// <summary>Writes scored rows as Parquet, one row group per chunk; the schema is the first chunk's.</summary>
internal sealed class ParquetTableWriter(Stream output, bool leaveOpen) : ITableWriter
{
    // Parquet.Net keeps its recycled buffers forever unless told otherwise; the cap keeps a long run's memory flat.
    private static readonly ParquetOptions Options = new()
    {
        MaximumSmallPoolFreeBytes = 16 * 1024 * 1024,
        MaximumLargePoolFreeBytes = 64 * 1024 * 1024,
    };

    private ParquetWriter? _writer;
    private DataField[] _fields = [];

    public async ValueTask WriteAsync(IReadOnlyList<OutputColumn> columns, CancellationToken ct)
    {
        if (_writer is null)
        {
            _fields = [.. columns.Select(Field)];
            _writer = await ParquetWriter.CreateAsync(new ParquetSchema(_fields), output, Options, append: false, ct);
        }

        var rows = columns.Count == 0 ? 0 : columns[0].Values.Length;
        if (rows == 0)
        {
            return;
        }

        using var group = _writer.CreateRowGroup();
        for (var c = 0; c < columns.Count; c++)
        {
            await WriteColumnAsync(group, _fields[c], columns[c].Values, ct);
        }
    }

    private static DataField Field(OutputColumn column)
    {
        var element = column.Values.GetType().GetElementType()!;
        var underlying = Nullable.GetUnderlyingType(element);
        return new DataField(column.Name, underlying ?? element, isNullable: underlying is not null || element == typeof(string));
    }

    private static Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, Array values, CancellationToken ct) => values switch
    {
        string?[] s => group.WriteAsync(field, s, null),
        float[] v => group.WriteAsync(field, (ReadOnlyMemory<float>)v, null, null, ct),
        double[] v => group.WriteAsync(field, (ReadOnlyMemory<double>)v, null, null, ct),
        long[] v => group.WriteAsync(field, (ReadOnlyMemory<long>)v, null, null, ct),
        int[] v => group.WriteAsync(field, (ReadOnlyMemory<int>)v, null, null, ct),
        bool[] v => group.WriteAsync(field, (ReadOnlyMemory<bool>)v, null, null, ct),
        short[] v => group.WriteAsync(field, (ReadOnlyMemory<short>)v, null, null, ct),
        byte[] v => group.WriteAsync(field, (ReadOnlyMemory<byte>)v, null, null, ct),
        sbyte[] v => group.WriteAsync(field, (ReadOnlyMemory<sbyte>)v, null, null, ct),
        decimal[] v => group.WriteAsync(field, (ReadOnlyMemory<decimal>)v, null, null, ct),
        float?[] v => group.WriteAsync(field, (ReadOnlyMemory<float?>)v, null, null, ct),
        double?[] v => group.WriteAsync(field, (ReadOnlyMemory<double?>)v, null, null, ct),
        long?[] v => group.WriteAsync(field, (ReadOnlyMemory<long?>)v, null, null, ct),
        int?[] v => group.WriteAsync(field, (ReadOnlyMemory<int?>)v, null, null, ct),
        bool?[] v => group.WriteAsync(field, (ReadOnlyMemory<bool?>)v, null, null, ct),
        short?[] v => group.WriteAsync(field, (ReadOnlyMemory<short?>)v, null, null, ct),
        byte?[] v => group.WriteAsync(field, (ReadOnlyMemory<byte?>)v, null, null, ct),
        sbyte?[] v => group.WriteAsync(field, (ReadOnlyMemory<sbyte?>)v, null, null, ct),
        decimal?[] v => group.WriteAsync(field, (ReadOnlyMemory<decimal?>)v, null, null, ct),
        _ => throw new InvalidOperationException($"column '{field.Name}': cannot write {values.GetType().Name} to Parquet"),
    };

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (!leaveOpen)
        {
            await output.DisposeAsync();
        }
    }
}
