namespace Keel.Core.Data.Profiles;

/// <summary>
/// Builds a <see cref="DatasetProfile"/>: one <see cref="ColumnProfiler"/> per column, in file order. The caller
/// counts rows with <see cref="AddRows"/> and feeds each column's values to its profiler; when
/// <see cref="NeedsHistogramPass"/> is true after the first pass it calls <see cref="BeginHistogramPass"/> and feeds
/// the numeric values again through <see cref="ColumnProfiler.AddToHistogram"/>.
/// </summary>
public sealed class ProfileBuilder
{
    public ProfileBuilder(IEnumerable<(string Name, string Type)> columns, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = [.. columns.Select(c => new ColumnProfiler(c.Name, c.Type, options))];
    }

    public IReadOnlyList<ColumnProfiler> Columns { get; }

    public long RowCount { get; private set; }

    public bool NeedsHistogramPass => Columns.Any(c => c.NeedsHistogramPass);

    public void AddRows(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        RowCount += count;
    }

    public void BeginHistogramPass()
    {
        foreach (var column in Columns)
        {
            column.BeginHistogramPass();
        }
    }

    public DatasetProfile Build() => new(RowCount, [.. Columns.Select(c => c.Build())]);
}
