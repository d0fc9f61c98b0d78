using System.Globalization;

namespace Keel.Core.Monitoring.Statistics;

/// <summary>Per-category counts of a reference and a current sample over the union of their categories, sorted.</summary>
internal sealed class CategoryTable
{
    private CategoryTable(string[] labels, long[] reference, long[] current)
    {
        Labels = labels;
        Reference = reference;
        Current = current;
        foreach (var count in reference)
        {
            ReferenceTotal += count;
        }
        foreach (var count in current)
        {
            CurrentTotal += count;
        }
    }

    /// <summary>Category names, ordinal order (numbers: ascending, written round-trip).</summary>
    public string[] Labels { get; }

    public long[] Reference { get; }

    public long[] Current { get; }

    public long ReferenceTotal { get; }

    public long CurrentTotal { get; }

    public int Count => Labels.Length;

    /// <summary>Counts of non-null strings, categories in ordinal order (Python's sort order within the BMP).</summary>
    public static CategoryTable FromStrings(string?[] reference, string?[] current)
    {
        var counts = new Dictionary<string, (long Reference, long Current)>(StringComparer.Ordinal);
        foreach (var value in reference)
        {
            if (value is not null)
            {
                counts[value] = counts.TryGetValue(value, out var c) ? (c.Reference + 1, c.Current) : (1, 0);
            }
        }
        foreach (var value in current)
        {
            if (value is not null)
            {
                counts[value] = counts.TryGetValue(value, out var c) ? (c.Reference, c.Current + 1) : (0, 1);
            }
        }
        var labels = counts.Keys.ToArray();
        Array.Sort(labels, StringComparer.Ordinal);
        var referenceCounts = new long[labels.Length];
        var currentCounts = new long[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            (referenceCounts[i], currentCounts[i]) = counts[labels[i]];
        }
        return new CategoryTable(labels, referenceCounts, currentCounts);
    }

    /// <summary>Each distinct number of two sorted, NaN-free samples as a category, ascending.</summary>
    public static CategoryTable FromSortedNumbers(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var labels = new List<string>();
        var referenceCounts = new List<long>();
        var currentCounts = new List<long>();
        int i = 0, j = 0;
        while (i < reference.Length || j < current.Length)
        {
            var value = j >= current.Length || (i < reference.Length && reference[i] <= current[j]) ? reference[i] : current[j];
            int startI = i, startJ = j;
            while (i < reference.Length && reference[i] == value)
            {
                i++;
            }
            while (j < current.Length && current[j] == value)
            {
                j++;
            }
            labels.Add(value.ToString("R", CultureInfo.InvariantCulture));
            referenceCounts.Add(i - startI);
            currentCounts.Add(j - startJ);
        }
        return new CategoryTable([.. labels], [.. referenceCounts], [.. currentCounts]);
    }
}
