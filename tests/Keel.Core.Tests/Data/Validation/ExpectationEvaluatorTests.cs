using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Core.Data.Validation;

namespace Keel.Core.Tests.Data.Validation;

public sealed class ExpectationEvaluatorTests
{
    // 10 rows: age 8 values in [18, 65] and 2 nulls; country FR×5, DE×4, US×1; score numeric.
    private static readonly DatasetProfile Current = new(10,
    [
        new ColumnProfile("age", ColumnKinds.Whole, 8, 2, 8, Min: 18, Max: 65),
        new ColumnProfile("country", ColumnKinds.Text, 10, 0, 3),
        new ColumnProfile("score", ColumnKinds.Real, 10, 0, Min: 0.5, Max: 9.5),
    ]);

    [Theory]
    [InlineData("row_count: {min: 10}", "row_count.min", true, "10")]
    [InlineData("row_count: {min: 11}", "row_count.min", false, "10")]
    [InlineData("row_count: {max: 10}", "row_count.max", true, "10")]
    [InlineData("row_count: {max: 9}", "row_count.max", false, "10")]
    [InlineData("require_columns: [age]", "present", true, "present")]
    [InlineData("require_columns: [height]", "present", false, "missing")]
    [InlineData("columns: {age: {type: integer}}", "type", true, "integer")]
    [InlineData("columns: {age: {type: double}}", "type", true, "integer")]
    [InlineData("columns: {score: {type: integer}}", "type", false, "double")]
    [InlineData("columns: {age: {nullable: false}}", "nullable", false, "2 nulls")]
    [InlineData("columns: {country: {nullable: false}}", "nullable", true, "0 nulls")]
    [InlineData("columns: {age: {max_null_fraction: 0.2}}", "max_null_fraction", true, "0.2")]
    [InlineData("columns: {age: {max_null_fraction: 0.1}}", "max_null_fraction", false, "0.2")]
    [InlineData("columns: {age: {min: 18}}", "min", true, "18")]
    [InlineData("columns: {age: {min: 21}}", "min", false, "18")]
    [InlineData("columns: {age: {max: 65}}", "max", true, "65")]
    [InlineData("columns: {age: {max: 64.5}}", "max", false, "65")]
    [InlineData("columns: {country: {min: 0}}", "min", false, "not numeric (string)")]
    public void Evaluate_ProfileRule_PassesOrFailsWithTheObservedValue(string yaml, string rule, bool passed, string observed)
    {
        var check = Evaluate(yaml, Current).Checks[^1];

        Assert.Equal((rule, passed, observed), (check.Rule, check.Passed, check.Observed));
    }

    [Fact]
    public void Evaluate_MissingColumn_FailsPresenceAndSkipsItsRules()
    {
        var report = Evaluate("columns: {height: {min: 0, type: double}}", Current);

        Assert.Equal([new ValidationCheck("present", "height", false, "present", "missing")], report.Checks);
        Assert.False(report.Passed);
    }

    [Fact]
    public void Evaluate_Allowed_CountsOtherValuesWithExamples()
    {
        var report = Evaluate("columns: {country: {allowed: [FR, DE, US]}}", Current, rows => Feed(rows, 1, "FR", "DE", "US", null));
        var failing = Evaluate("columns: {country: {allowed: [FR, DE]}}", Current, rows => Feed(rows, 1, "FR", "US", "IT", "US"));

        Assert.True(report.Passed);
        var check = failing.Checks[^1];
        Assert.Equal(("allowed", false, "3 other values (e.g. US, IT)"), (check.Rule, check.Passed, check.Observed));
        Assert.Equal("in [FR, DE]", check.Expected);
    }

    [Fact]
    public void Evaluate_Unique_CountsDuplicatesAndIgnoresNulls()
    {
        var unique = Evaluate("columns: {country: {unique: true}}", Current, rows => Feed(rows, 1, "a", "b", null, null));
        var duplicated = Evaluate("columns: {country: {unique: true}}", Current, rows => Feed(rows, 1, "a", "b", "a", "a"));

        Assert.Equal("0 duplicates", unique.Checks[^1].Observed);
        Assert.True(unique.Passed);
        Assert.Equal("2 duplicates", duplicated.Checks[^1].Observed);
        Assert.False(duplicated.Passed);
    }

    [Fact]
    public void Evaluate_NumericDrift_BinsOnTheReferenceHistogram()
    {
        // Reference: two bins [0,5) and [5,10] holding 1 and 1. Current: 1 in the first, 3 in the second.
        var reference = new DatasetProfile(2, [new ColumnProfile("score", ColumnKinds.Real, 2, 0, Histogram: new Histogram([0, 5, 10], [1, 1]))]);
        const string yaml = "columns: {score: {drift: {max_psi: 0.2, max_js: 0.3}}}";

        var report = Evaluate(yaml, Current, rows => FeedNumbers(rows, 2, 1, 6, 7, 10), reference);

        // Buckets: below 0, [0,5), [5,10], above 10 — shares (0, .5, .5, 0) against (0, .25, .75, 0).
        var psi = report.Checks.Single(c => c.Rule == "drift.max_psi");
        var js = report.Checks.Single(c => c.Rule == "drift.max_js");
        Assert.Equal((false, "psi 0.274653"), (psi.Passed, psi.Observed));
        Assert.Equal((true, "js 0.220896"), (js.Passed, js.Observed));
    }

    [Fact]
    public void Evaluate_NumericDrift_ValuesBeyondTheReferenceRangeCountInFull()
    {
        var reference = new DatasetProfile(2, [new ColumnProfile("score", ColumnKinds.Real, 2, 0, Histogram: new Histogram([0, 10], [2]))]);

        var report = Evaluate("columns: {score: {drift: {max_js: 0.5}}}", Current, rows => FeedNumbers(rows, 2, 20, 30), reference);

        Assert.Equal("js 1", report.Checks[^1].Observed);
        Assert.False(report.Passed);
    }

    [Fact]
    public void Evaluate_CategoricalDrift_ComparesTopValuesAndTheRest()
    {
        // Reference FR 50, DE 30 of 100 (20 others); current FR 5, DE 3, IT 2 of 10: the same shares.
        var reference = new DatasetProfile(100,
            [new ColumnProfile("country", ColumnKinds.Text, 100, 0, TopValues: [new ValueCount("FR", 50), new ValueCount("DE", 30)])]);
        var values = Enumerable.Repeat("FR", 5).Concat(Enumerable.Repeat("DE", 3)).Concat(["IT", "ES"]).ToArray();

        var report = Evaluate("columns: {country: {drift: {max_psi: 0.01}}}", Current, rows => Feed(rows, 1, values), reference);

        Assert.Equal(("psi 0", true), (report.Checks[^1].Observed, report.Checks[^1].Passed));
    }

    [Fact]
    public void Evaluate_DriftColumnNotInTheReference_Fails()
    {
        var reference = new DatasetProfile(1, [new ColumnProfile("other", ColumnKinds.Real, 1, 0)]);

        var report = Evaluate("columns: {score: {drift: {max_psi: 1}}}", Current, rows => FeedNumbers(rows, 2, 1), reference);

        Assert.Equal(("column not in the reference", false), (report.Checks[^1].Observed, report.Checks[^1].Passed));
    }

    [Fact]
    public void Evaluate_DriftWithoutReference_IsABadInputError()
    {
        var error = Assert.Throws<KeelException>(() => Evaluate("columns: {score: {drift: {max_psi: 1}}}", Current));

        Assert.Equal("The drift rule of column 'score' needs a reference dataset or profile (--reference).", error.Message);
    }

    private static ValidationReport Evaluate(string yaml, DatasetProfile profile, Action<RowRuleCollector>? feed = null, DatasetProfile? reference = null)
    {
        var expectations = ExpectationsYaml.Parse(yaml);
        var rows = new RowRuleCollector(expectations, [.. profile.Columns.Select(c => c.Name)], reference);
        feed?.Invoke(rows);
        return ExpectationEvaluator.Evaluate(expectations, profile, rows, reference);
    }

    private static void Feed(RowRuleCollector rows, int column, params string?[] values)
    {
        foreach (var v in values)
        {
            rows.Add(column, v, null);
        }
    }

    private static void FeedNumbers(RowRuleCollector rows, int column, params double[] values)
    {
        foreach (var v in values)
        {
            rows.Add(column, CanonicalText.Number(v), v);
        }
    }
}
