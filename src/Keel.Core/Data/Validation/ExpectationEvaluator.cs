using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Data.Profiles;

namespace Keel.Core.Data.Validation;

/// <summary>
/// Checks <see cref="DataExpectations"/> against a dataset's profile and, for the row-level rules, what a
/// <see cref="RowRuleCollector"/> gathered from its rows. Presence, type, nulls, ranges and row count come from the
/// profile; unique, allowed and drift from the collector. A column that is missing fails <c>present</c> and skips
/// its other rules.
/// </summary>
public static class ExpectationEvaluator
{
    /// <summary>Evaluates every rule; drift rules without a <paramref name="reference"/> throw INVALID_PARAMETER_VALUE.</summary>
    public static ValidationReport Evaluate(DataExpectations expectations, DatasetProfile profile, RowRuleCollector rows, DatasetProfile? reference)
    {
        ArgumentNullException.ThrowIfNull(expectations);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(rows);
        if (expectations.NeedsReference && reference is null)
        {
            var column = expectations.Columns.First(c => c.Drift is not null).Name;
            throw KeelException.InvalidParameter($"The drift rule of column '{column}' needs a reference dataset or profile (--reference).");
        }

        var checks = new List<ValidationCheck>();
        if (expectations.MinRows is { } minRows)
        {
            checks.Add(new("row_count.min", null, profile.RowCount >= minRows, $">= {minRows}", Whole(profile.RowCount)));
        }
        if (expectations.MaxRows is { } maxRows)
        {
            checks.Add(new("row_count.max", null, profile.RowCount <= maxRows, $"<= {maxRows}", Whole(profile.RowCount)));
        }
        foreach (var name in expectations.RequiredColumns)
        {
            checks.Add(Presence(name, Find(profile, name)));
        }
        foreach (var expectation in expectations.Columns)
        {
            var column = Find(profile, expectation.Name);
            checks.Add(Presence(expectation.Name, column));
            if (column is not null)
            {
                ColumnChecks(expectation, column, rows.For(expectation.Name), checks);
            }
        }
        return new ValidationReport(checks);
    }

    private static void ColumnChecks(ColumnExpectation rule, ColumnProfile column, ColumnRowRules? rows, List<ValidationCheck> checks)
    {
        var name = rule.Name;
        if (rule.Type is { } type)
        {
            // Whole numbers are doubles too: a double column that happens to hold only integers is still fine.
            var passed = column.Type == type || (type == ColumnKinds.Real && column.Type == ColumnKinds.Whole);
            checks.Add(new("type", name, passed, type, column.Type));
        }
        if (rule.Nullable == false)
        {
            checks.Add(new("nullable", name, column.Nulls == 0, "no nulls", $"{Whole(column.Nulls)} nulls"));
        }
        if (rule.MaxNullFraction is { } maxFraction)
        {
            var total = column.Count + column.Nulls;
            var fraction = total == 0 ? 0 : (double)column.Nulls / total;
            checks.Add(new("max_null_fraction", name, fraction <= maxFraction, $"<= {Real(maxFraction)}", Real(fraction)));
        }
        if (rule.Min is { } min)
        {
            checks.Add(Bound("min", name, column, column.Min, v => v >= min, $">= {Real(min)}"));
        }
        if (rule.Max is { } max)
        {
            checks.Add(Bound("max", name, column, column.Max, v => v <= max, $"<= {Real(max)}"));
        }
        if (rule.Allowed is { } allowed && rows is not null)
        {
            var examples = rows.DisallowedExamples.Count == 0 ? "" : $" (e.g. {string.Join(", ", rows.DisallowedExamples)})";
            checks.Add(new("allowed", name, rows.Disallowed == 0, $"in [{string.Join(", ", allowed)}]", $"{Whole(rows.Disallowed)} other values{examples}"));
        }
        if (rule.Unique == true && rows is not null)
        {
            checks.Add(new("unique", name, rows.Duplicates == 0, "no duplicates", $"{Whole(rows.Duplicates)} duplicates"));
        }
        if (rule.Drift is { } drift && rows is not null)
        {
            DriftChecks(name, drift, rows, checks);
        }
    }

    private static void DriftChecks(string name, DriftExpectation drift, ColumnRowRules rows, List<ValidationCheck> checks)
    {
        var measured = rows.Drift();
        var problem = rows.DriftProblem ?? (measured is { Psi: double.NaN } ? "no values to compare" : null);
        if (drift.MaxPsi is { } maxPsi)
        {
            checks.Add(problem is null
                ? new("drift.max_psi", name, measured!.Value.Psi <= maxPsi, $"psi <= {Real(maxPsi)}", $"psi {Real(measured.Value.Psi)}")
                : new("drift.max_psi", name, false, $"psi <= {Real(maxPsi)}", problem));
        }
        if (drift.MaxJs is { } maxJs)
        {
            checks.Add(problem is null
                ? new("drift.max_js", name, measured!.Value.Js <= maxJs, $"js <= {Real(maxJs)}", $"js {Real(measured.Value.Js)}")
                : new("drift.max_js", name, false, $"js <= {Real(maxJs)}", problem));
        }
    }

    private static ValidationCheck Presence(string name, ColumnProfile? column) =>
        new("present", name, column is not null, "present", column is null ? "missing" : "present");

    private static ValidationCheck Bound(string rule, string name, ColumnProfile column, double? observed, Func<double, bool> holds, string expected) =>
        !ColumnKinds.IsNumeric(column.Type) ? new(rule, name, false, expected, $"not numeric ({column.Type})")
        : observed is { } value ? new(rule, name, holds(value), expected, Real(value))
        : new(rule, name, true, expected, "no values");

    private static ColumnProfile? Find(DatasetProfile profile, string name) => profile.Columns.FirstOrDefault(c => c.Name == name);

    private static string Whole(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Real(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
