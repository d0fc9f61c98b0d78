using Keel.Core.Common;
using Keel.Core.Data.Validation;

namespace Keel.Core.Tests.Data.Validation;

public sealed class ExpectationsYamlTests
{
    [Fact]
    public void Parse_FullFile_ReadsEveryRule()
    {
        var expectations = ExpectationsYaml.Parse("""
            row_count: {min: 100, max: 1000000}
            require_columns: [age, country]
            columns:
              age: {type: integer, nullable: false, min: 0, max: 130}
              country: {type: string, allowed: [FR, DE, "NO", 1], max_null_fraction: 0.01}
              id: {unique: true}
              income: {drift: {max_psi: 0.2, max_js: 0.1}}
              note:
            """);

        Assert.Equal((100L, 1_000_000L), (expectations.MinRows!.Value, expectations.MaxRows!.Value));
        Assert.Equal(["age", "country"], expectations.RequiredColumns);
        Assert.Equal(new ColumnExpectation("age", "integer", false, null, 0, 130), expectations.Columns[0]);
        Assert.Equal(["FR", "DE", "NO", "1"], expectations.Columns[1].Allowed);
        Assert.Equal(0.01, expectations.Columns[1].MaxNullFraction);
        Assert.True(expectations.Columns[2].Unique);
        Assert.Equal(new DriftExpectation(0.2, 0.1), expectations.Columns[3].Drift);
        Assert.Equal(new ColumnExpectation("note"), expectations.Columns[4]);
        Assert.True(expectations.NeedsReference);
    }

    [Fact]
    public void Parse_EmptyFile_HasNoRules()
    {
        var expectations = ExpectationsYaml.Parse("");

        Assert.Empty(expectations.Columns);
        Assert.False(expectations.NeedsReference);
    }

    [Theory]
    [InlineData("rows: {min: 1}", "Unknown key 'rows' in the expectations file; expected row_count, require_columns, columns.")]
    [InlineData("row_count: {least: 1}", "Unknown key 'row_count.least' in the expectations file; expected row_count.min, row_count.max.")]
    [InlineData("columns: {age: {minimum: 0}}", "Unknown key 'columns.age.minimum' in the expectations file; expected columns.age.type, columns.age.nullable, columns.age.max_null_fraction, columns.age.min, columns.age.max, columns.age.allowed, columns.age.unique, columns.age.drift.")]
    [InlineData("columns: {x: {drift: {psi: 1}}}", "Unknown key 'columns.x.drift.psi' in the expectations file; expected columns.x.drift.max_psi, columns.x.drift.max_js.")]
    [InlineData("columns: {x: {type: int}}", "Invalid value 'int' for parameter 'columns.x.type': expected one of integer, double, boolean, datetime, string.")]
    [InlineData("columns: {x: {min: 5, max: 1}}", "Invalid value for parameter 'columns.x': min 5 is above max 1.")]
    [InlineData("columns: {x: {max_null_fraction: 2}}", "Invalid value for parameter 'columns.x.max_null_fraction': expected a fraction between 0 and 1.")]
    [InlineData("columns: {x: {unique: maybe}}", "Invalid value 'maybe' for parameter 'columns.x.unique': expected true or false.")]
    [InlineData("row_count: {min: -1}", "Invalid value '-1' for parameter 'row_count.min': expected a whole number of at least 0.")]
    [InlineData("columns: [age]", "Invalid value for parameter 'columns': expected a mapping.")]
    [InlineData("- a", "The expectations file must be a YAML mapping with row_count, require_columns, columns.")]
    public void Parse_BadFile_OneClearError(string yaml, string message)
    {
        var error = Assert.Throws<KeelException>(() => ExpectationsYaml.Parse(yaml));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_NotYaml_SaysSo()
    {
        var error = Assert.Throws<KeelException>(() => ExpectationsYaml.Parse("columns: {age: [}"));

        Assert.StartsWith("The expectations file is not valid YAML:", error.Message, StringComparison.Ordinal);
    }
}
