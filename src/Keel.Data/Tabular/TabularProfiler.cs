using Keel.Core.Data.Profiles;

namespace Keel.Data.Tabular;

/// <summary>
/// Profiles a CSV or Parquet file (<see cref="DatasetProfile"/>) in bounded memory: a batch of rows plus each
/// column's <see cref="ProfileOptions"/> limits, whatever the file's size.
/// </summary>
/// <remarks>
/// Passes over the file: a CSV is read once to infer its types; then every file once to profile; and once more,
/// for the numeric columns only, when some column holds more values than <see cref="ProfileOptions.ExactValueLimit"/>
/// and its histogram needs bins fixed from its min and max.
/// </remarks>
public static class TabularProfiler
{
    /// <summary>Profiles <paramref name="path"/>; a missing, malformed or unsupported file throws a KeelException.</summary>
    public static async Task<DatasetProfile> ProfileAsync(string path, CancellationToken ct, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        IReadOnlyList<TabularColumn> columns;
        ProfileBuilder builder;
        await using (var reader = await TabularReader.OpenAsync(path, null, ct))
        {
            columns = reader.Columns;
            builder = new ProfileBuilder(columns.Select(c => (c.Name, c.Type)), options);
            while (await reader.ReadAsync(ct) is { } batch)
            {
                builder.AddRows(batch.RowCount);
                for (var c = 0; c < columns.Count; c++)
                {
                    Feed(builder.Columns[c], await batch.ColumnAsync(c, ct), batch.RowCount);
                }
            }
        }

        if (builder.NeedsHistogramPass)
        {
            await HistogramPassAsync(path, columns, builder, ct);
        }
        return builder.Build();
    }

    /// <summary>The columns of <paramref name="path"/> and their types (for a CSV, inferred by reading it once).</summary>
    public static async Task<IReadOnlyList<TabularColumn>> ReadSchemaAsync(string path, CancellationToken ct)
    {
        await using var reader = await TabularReader.OpenAsync(path, null, ct);
        return reader.Columns;
    }

    private static void Feed(ColumnProfiler profiler, TabularCells cells, int rows)
    {
        if (profiler.IsNumeric)
        {
            for (var r = 0; r < rows; r++)
            {
                profiler.AddNumber(cells.Number(r));
            }
            return;
        }
        for (var r = 0; r < rows; r++)
        {
            profiler.AddText(cells.Text(r));
        }
    }

    private static async Task HistogramPassAsync(string path, IReadOnlyList<TabularColumn> columns, ProfileBuilder builder, CancellationToken ct)
    {
        var pending = Enumerable.Range(0, columns.Count).Where(c => builder.Columns[c].NeedsHistogramPass).ToArray();
        builder.BeginHistogramPass();
        await using var reader = await TabularReader.OpenAsync(path, columns, ct);
        while (await reader.ReadAsync(ct) is { } batch)
        {
            foreach (var c in pending)
            {
                var cells = await batch.ColumnAsync(c, ct);
                for (var r = 0; r < batch.RowCount; r++)
                {
                    builder.Columns[c].AddToHistogram(cells.Number(r));
                }
            }
        }
    }
}
