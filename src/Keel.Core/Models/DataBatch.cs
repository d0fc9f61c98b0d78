namespace Keel.Core.Models;

/// <summary>A batch of rows as named, typed columns of equal length: what a predictor takes and returns.</summary>
public sealed class DataBatch
{
    private readonly Dictionary<string, DataColumn> _byName;

    public DataBatch(IReadOnlyList<DataColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!_byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"Column '{column.Name}' appears twice.", nameof(columns));
            }
        }

        RowCount = columns.Count == 0 ? 0 : columns[0].RowCount;
        var uneven = columns.FirstOrDefault(c => c.RowCount != RowCount);
        if (uneven is not null)
        {
            throw new ArgumentException($"Column '{uneven.Name}' has {uneven.RowCount} rows, column '{columns[0].Name}' {RowCount}.", nameof(columns));
        }

        Columns = columns;
    }

    public IReadOnlyList<DataColumn> Columns { get; }

    public int RowCount { get; }

    public DataColumn this[string name] => Find(name) ?? throw new KeyNotFoundException($"The batch has no column '{name}'.");

    public DataColumn? Find(string name) => _byName.GetValueOrDefault(name);
}
