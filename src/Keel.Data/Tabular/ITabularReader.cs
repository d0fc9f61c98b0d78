namespace Keel.Data.Tabular;

/// <summary>Reads a table a batch of rows at a time; a batch's columns are decoded only when asked for.</summary>
internal interface ITabularReader : IAsyncDisposable
{
    IReadOnlyList<TabularColumn> Columns { get; }

    /// <summary>The next batch, or null at the end.</summary>
    ValueTask<ITabularBatch?> ReadAsync(CancellationToken ct);
}

/// <summary>Some rows of a table.</summary>
internal interface ITabularBatch
{
    int RowCount { get; }

    /// <summary>The cells of column <paramref name="index"/> (a position in <see cref="ITabularReader.Columns"/>).</summary>
    ValueTask<TabularCells> ColumnAsync(int index, CancellationToken ct);
}
