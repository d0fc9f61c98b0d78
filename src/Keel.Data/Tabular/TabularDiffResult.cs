namespace Keel.Data.Tabular;

/// <summary>
/// How two versions of a table differ: row counts, rows added and removed (as multisets, so a duplicated row counts
/// each time), and the columns added, removed or whose type changed.
/// </summary>
public sealed record TabularDiffResult(
    long RowsBefore,
    long RowsAfter,
    long RowsAdded,
    long RowsRemoved,
    IReadOnlyList<string> ColumnsAdded,
    IReadOnlyList<string> ColumnsRemoved,
    IReadOnlyList<ColumnTypeChange> TypeChanges)
{
    /// <summary>True when nothing differs: same columns and types, same multiset of rows.</summary>
    public bool IsUnchanged =>
        RowsAdded == 0 && RowsRemoved == 0 && ColumnsAdded.Count == 0 && ColumnsRemoved.Count == 0 && TypeChanges.Count == 0;
}

/// <summary>A column whose inferred type differs between the two versions.</summary>
public sealed record ColumnTypeChange(string Name, string Before, string After);
