using Keel.Core.Data.Profiles;

namespace Keel.Core.Data.Validation;

/// <summary>
/// Gathers, in one pass over the rows, what the row-level rules (unique, allowed, drift) need. The caller feeds the
/// values of each column in <see cref="Columns"/> to <see cref="Add"/>, indexed by its position in the file.
/// </summary>
public sealed class RowRuleCollector
{
    private readonly Dictionary<int, ColumnRowRules> _byIndex = [];
    private readonly Dictionary<string, ColumnRowRules> _byName = new(StringComparer.Ordinal);

    /// <param name="expectations">The rules.</param>
    /// <param name="columnNames">The file's columns, in order.</param>
    /// <param name="reference">The reference profile drift rules compare with; null when there is none.</param>
    public RowRuleCollector(DataExpectations expectations, IReadOnlyList<string> columnNames, DatasetProfile? reference)
    {
        ArgumentNullException.ThrowIfNull(expectations);
        ArgumentNullException.ThrowIfNull(columnNames);
        foreach (var expectation in expectations.Columns.Where(c => c.Unique == true || c.Allowed is not null || c.Drift is not null))
        {
            var index = IndexOf(columnNames, expectation.Name);
            if (index < 0)
            {
                continue;
            }
            var rules = new ColumnRowRules(expectation, reference?.Columns.FirstOrDefault(c => c.Name == expectation.Name));
            _byIndex[index] = rules;
            _byName[expectation.Name] = rules;
        }
    }

    /// <summary>The file positions of the columns whose values are needed; empty when no rule needs rows.</summary>
    public IReadOnlyCollection<int> Columns => _byIndex.Keys;

    /// <summary>One cell: its canonical text (null when missing) and, for a numeric column, its number.</summary>
    public void Add(int column, string? text, double? number)
    {
        if (_byIndex.TryGetValue(column, out var rules))
        {
            rules.Add(text, number);
        }
    }

    internal ColumnRowRules? For(string column) => _byName.GetValueOrDefault(column);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        return -1;
    }
}
