using Keel.Core.Data.Validation;

namespace Keel.Data.Tabular;

/// <summary>
/// Compares two CSV or Parquet files (either format on either side) by schema and by rows.
/// </summary>
/// <remarks>
/// A row is hashed (<see cref="StableHash"/>, 64 bits) over the canonical text of the columns both files share, in
/// the first file's order, so "1.50" in a CSV equals 1.5 in Parquet and an added column does not make every row
/// differ. Each file's row hashes are kept and sorted: memory is about 8 bytes per row of each file, and the counts
/// are exact but for hash collisions (about n²/2⁶⁵). A modified row counts as one removed and one added.
/// </remarks>
public static class TabularDiff
{
    public static async Task<TabularDiffResult> CompareAsync(string pathA, string pathB, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pathA);
        ArgumentNullException.ThrowIfNull(pathB);
        var schemaA = await TabularProfiler.ReadSchemaAsync(pathA, ct);
        var schemaB = await TabularProfiler.ReadSchemaAsync(pathB, ct);
        var namesA = schemaA.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var namesB = schemaB.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var shared = schemaA.Where(c => namesB.Contains(c.Name)).Select(c => c.Name).ToArray();

        var rowsA = await RowHashesAsync(pathA, schemaA, shared, ct);
        var rowsB = await RowHashesAsync(pathB, schemaB, shared, ct);
        var (removed, added) = Difference(rowsA, rowsB);

        var typesA = schemaA.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        return new TabularDiffResult(
            rowsA.Count,
            rowsB.Count,
            added,
            removed,
            [.. schemaB.Where(c => !namesA.Contains(c.Name)).Select(c => c.Name)],
            [.. schemaA.Where(c => !namesB.Contains(c.Name)).Select(c => c.Name)],
            [.. schemaB.Where(c => typesA.TryGetValue(c.Name, out var before) && before != c.Type)
                .Select(c => new ColumnTypeChange(c.Name, typesA[c.Name], c.Type))]);
    }

    private static async Task<List<ulong>> RowHashesAsync(string path, IReadOnlyList<TabularColumn> schema, string[] shared, CancellationToken ct)
    {
        var positions = shared.Select(name => schema.Select(c => c.Name).ToList().IndexOf(name)).ToArray();
        var hashes = new List<ulong>();
        await using var reader = await TabularReader.OpenAsync(path, schema, ct);
        while (await reader.ReadAsync(ct) is { } batch)
        {
            var rows = new StableHash[batch.RowCount];
            Array.Fill(rows, StableHash.Create());
            // Column by column, so a Parquet batch decodes one column chunk at a time.
            foreach (var position in positions)
            {
                var cells = await batch.ColumnAsync(position, ct);
                for (var r = 0; r < rows.Length; r++)
                {
                    rows[r].Add(cells.Text(r));
                }
            }
            hashes.AddRange(rows.Select(h => h.Finish()));
        }

        hashes.Sort();
        return hashes;
    }

    // Walks both sorted lists once: hashes only in the first are removed rows, only in the second added ones.
    private static (long Removed, long Added) Difference(List<ulong> before, List<ulong> after)
    {
        long removed = 0, added = 0;
        int i = 0, j = 0;
        while (i < before.Count && j < after.Count)
        {
            if (before[i] == after[j])
            {
                i++;
                j++;
            }
            else if (before[i] < after[j])
            {
                removed++;
                i++;
            }
            else
            {
                added++;
                j++;
            }
        }
        return (removed + before.Count - i, added + after.Count - j);
    }
}
