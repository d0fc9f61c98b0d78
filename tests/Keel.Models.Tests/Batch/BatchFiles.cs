using System.Globalization;
using System.Text;
using Keel.Models.Tests.Packages;
using Parquet;
using Parquet.Schema;

namespace Keel.Models.Tests.Batch;

/// <summary>Writes inputs and reads outputs of batch scoring in both formats, for the tests to compare.</summary>
internal static class BatchFiles
{
    public static string Csv(IEnumerable<TumourRow> rows, string header = "Radius,Texture,Smoothness")
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Radius:R},{row.Texture:R},{row.Smoothness:R}\n");
        }

        return text.ToString();
    }

    /// <summary>Writes the rows; with <paramref name="withPatientColumn"/>, also a leading text column the model does not use.</summary>
    public static async Task WriteParquetAsync(string path, TumourRow[] rows, int rowGroupSize, bool withPatientColumn = false)
    {
        var patient = new DataField<string>("Patient");
        var radius = new DataField<float>("Radius");
        var texture = new DataField<double>("Texture");
        var smoothness = new DataField<float?>("Smoothness");
        await using var file = File.Create(path);
        var schema = withPatientColumn ? new ParquetSchema(patient, radius, texture, smoothness) : new ParquetSchema(radius, texture, smoothness);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        var written = 0;
        foreach (var group in rows.Chunk(rowGroupSize))
        {
            using var rowGroup = writer.CreateRowGroup();
            if (withPatientColumn)
            {
                await rowGroup.WriteAsync(patient, group.Select(_ => (string?)$"patient-{written++}").ToArray());
            }
            await rowGroup.WriteAsync(radius, (ReadOnlyMemory<float>)group.Select(r => r.Radius).ToArray());
            await rowGroup.WriteAsync(texture, (ReadOnlyMemory<double>)group.Select(r => (double)r.Texture).ToArray());
            await rowGroup.WriteAsync(smoothness, (ReadOnlyMemory<float?>)group.Select(r => (float?)r.Smoothness).ToArray());
        }
    }

    /// <summary>Every column of a Parquet file, row groups joined, as object values by name.</summary>
    public static async Task<Dictionary<string, List<object?>>> ReadParquetAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var columns = reader.Schema.DataFields.ToDictionary(f => f.Name, _ => new List<object?>());
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            foreach (var field in reader.Schema.DataFields)
            {
                columns[field.Name].AddRange(field.ClrType == typeof(string) ? await ReadStrings(group, field, rows)
                    : field.ClrType == typeof(float) ? await Read<float>(group, field, rows)
                    : field.ClrType == typeof(double) ? await Read<double>(group, field, rows)
                    : field.ClrType == typeof(long) ? await Read<long>(group, field, rows)
                    : field.ClrType == typeof(bool) ? await Read<bool>(group, field, rows)
                    : throw new InvalidOperationException(field.ClrType.Name));
            }
        }

        return columns;
    }

    /// <summary>A CSV file's rows as cells, header first.</summary>
    public static List<string[]> ReadCsv(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(','))];

    private static async Task<IEnumerable<object?>> ReadStrings(ParquetRowGroupReader group, DataField field, int rows)
    {
        var values = new string?[rows];
        await group.ReadAsync(field, values.AsMemory());
        return values;
    }

    private static async Task<IEnumerable<object?>> Read<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[rows];
            await group.ReadAsync(field, nullable.AsMemory());
            return nullable.Select(v => (object?)v);
        }

        var values = new T[rows];
        await group.ReadAsync(field, values.AsMemory());
        return values.Select(v => (object?)v);
    }
}
