using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests.Tabular;

/// <summary>Writes small CSV and Parquet files into a test's own folder.</summary>
internal static class TableFiles
{
    public static string Csv(string folder, string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A Parquet file of the given columns, <paramref name="groups"/> row groups of equal share.</summary>
    public static async Task<string> ParquetAsync(string folder, string name, (DataField Field, Array Values)[] columns, int groups = 1)
    {
        var path = Path.Combine(folder, name);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. columns.Select(c => (Field)c.Field)]), stream);
        var rows = columns[0].Values.Length;
        var per = (rows + groups - 1) / groups;
        for (var start = 0; start < rows; start += per)
        {
            var count = Math.Min(per, rows - start);
            using var group = writer.CreateRowGroup();
            foreach (var (field, values) in columns)
            {
                var slice = Array.CreateInstance(values.GetType().GetElementType()!, count);
                Array.Copy(values, start, slice, 0, count);
                await WriteAsync(group, field, slice);
            }
        }
        return path;
    }

    private static Task WriteAsync(ParquetRowGroupWriter group, DataField field, Array values) => values switch
    {
        string?[] v => group.WriteAsync(field, v, null),
        long?[] v => group.WriteAsync(field, (ReadOnlyMemory<long?>)v, null, null, default),
        int[] v => group.WriteAsync(field, (ReadOnlyMemory<int>)v, null, null, default),
        double?[] v => group.WriteAsync(field, (ReadOnlyMemory<double?>)v, null, null, default),
        double[] v => group.WriteAsync(field, (ReadOnlyMemory<double>)v, null, null, default),
        float[] v => group.WriteAsync(field, (ReadOnlyMemory<float>)v, null, null, default),
        bool?[] v => group.WriteAsync(field, (ReadOnlyMemory<bool?>)v, null, null, default),
        DateTime[] v => group.WriteAsync(field, (ReadOnlyMemory<DateTime>)v, null, null, default),
        _ => throw new ArgumentException($"no writer for {values.GetType().Name}"),
    };
}
