using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserErrorTests
{
    [Fact]
    public void ParseRunFilter_DoubledOperator_NamesPositionAndToken() =>
        Assert.Equal(
            "Invalid filter 'metrics.acc >> 1' at position 12: expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN) but found '>>'",
            SearchAssert.RunFilterFails("metrics.acc >> 1", 12, "'>>'"));

    [Theory]
    [InlineData("params.model = 'cnn", 15, "\"'cnn\"")]
    [InlineData("params.model = \"cnn", 15, "'\"cnn'")]
    [InlineData("params.model = 'it''s", 15, "\"'it''s\"")]
    [InlineData("metrics.`acc > 1", 8, "'`acc > 1'")]
    public void ParseRunFilter_UnterminatedQuote_FailsAtOpeningQuote(string filter, int position, string token)
    {
        var message = SearchAssert.RunFilterFails(filter, position, token);
        Assert.Contains("unterminated", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.acc >", 13, "'<end>'")]
    [InlineData("metrics.acc > ", 14, "'<end>'")]
    [InlineData("metrics.acc > AND params.a = 'x'", 14, "'AND'")]
    [InlineData("params.a = )", 11, "')'")]
    public void ParseRunFilter_MissingValue_FailsWhereValueShouldBe(string filter, int position, string token)
    {
        var message = SearchAssert.RunFilterFails(filter, position, token);
        Assert.Contains("expected a value", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("params.a == 'x'", 9, "'=='")]
    [InlineData("metrics.acc <> 1", 12, "'<>'")]
    [InlineData("metrics.acc => 1", 12, "'=>'")]
    [InlineData("metrics.acc 1", 12, "'1'")]
    [InlineData("params.a CONTAINS 'x'", 9, "'CONTAINS'")]
    [InlineData("metrics.acc", 11, "'<end>'")]
    public void ParseRunFilter_BadComparator_FailsAtComparator(string filter, int position, string token)
    {
        var message = SearchAssert.RunFilterFails(filter, position, token);
        Assert.Contains("expected a comparator", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRunFilter_NotWithoutIn_FailsAfterNot() =>
        SearchAssert.RunFilterFails("run_id NOT LIKE 'a'", 11, "'LIKE'");

    [Theory]
    [InlineData("metrics.acc > 1 garbage", 16, "'garbage'")]
    [InlineData("metrics.acc > 1 'x'", 16, "'x'")]
    [InlineData("metrics.acc > 1 AND params.a = 'x' 2", 35, "'2'")]
    [InlineData("metrics.acc > 1 metrics.b < 2", 16, "'metrics.b'")]
    public void ParseRunFilter_TrailingGarbage_FailsAtFirstExtraToken(string filter, int position, string token)
    {
        var message = SearchAssert.RunFilterFails(filter, position, token);
        Assert.Contains("expected AND, OR or the end of the filter", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(metrics.acc > 1", 16, "'<end>'")]
    [InlineData("((metrics.acc > 1) AND params.a = 'x'", 37, "'<end>'")]
    [InlineData("metrics.acc > 1)", 15, "')'")]
    [InlineData("(metrics.acc > 1))", 17, "')'")]
    [InlineData("()", 1, "')'")]
    [InlineData("(metrics.acc > 1 params.a = 'x')", 17, "'params.a'")]
    public void ParseRunFilter_UnbalancedParentheses_FailAtPosition(string filter, int position, string token) =>
        SearchAssert.RunFilterFails(filter, position, token);

    [Theory]
    [InlineData("foo.bar = 'x'", 0, "'foo'")]
    [InlineData("metrics.acc > 1 AND Metrics.loss < 2", 20, "'Metrics'")]
    [InlineData("experiments.name = 'x'", 0, "'experiments'")]
    public void ParseRunFilter_UnknownEntityType_FailsAtKeyNamingEntityAndKey(string filter, int position, string entity)
    {
        var message = SearchAssert.RunFilterFails(filter, position, entity);
        Assert.Contains("unknown entity type", message, StringComparison.Ordinal);
        Assert.Contains("valid entity types:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRunFilter_UnknownEntityType_NamesWholeKey() =>
        Assert.Contains("in key 'foo.bar'", SearchAssert.RunFilterFails("foo.bar = 'x'", 0, "'foo'"), StringComparison.Ordinal);

    [Theory]
    [InlineData("attributes.lifecycle_stage = 'active'", "'lifecycle_stage'")]
    [InlineData("run_uuid = 'abc'", "'run_uuid'")]
    [InlineData("experiment_id = '1'", "'experiment_id'")]
    [InlineData("STATUS = 'RUNNING'", "'STATUS'")]
    [InlineData("datasets.version = 'x'", "'version'")]
    public void ParseRunFilter_UnknownAttributeOrDatasetKey_FailsAtKey(string filter, string key) =>
        SearchAssert.RunFilterFails(filter, 0, key);

    [Theory]
    [InlineData("params.lr > '1'", 10, "'>'", "'params.lr'", "=, !=, LIKE, ILIKE")]
    [InlineData("tags.t >= 'a'", 7, "'>='", "'tags.t'", "=, !=, LIKE, ILIKE")]
    [InlineData("params.lr IN ('1')", 10, "'IN'", "'params.lr'", "=, !=, LIKE, ILIKE")]
    [InlineData("metrics.acc LIKE '1%'", 12, "'LIKE'", "'metrics.acc'", "=, !=, >, >=, <, <=")]
    [InlineData("metrics.acc ilike '1%'", 12, "'ilike'", "'metrics.acc'", "=, !=, >, >=, <, <=")]
    [InlineData("start_time LIKE '1%'", 11, "'LIKE'", "'start_time'", "=, !=, >, >=, <, <=")]
    [InlineData("end_time NOT IN ('1')", 9, "'NOT IN'", "'end_time'", "=, !=, >, >=, <, <=")]
    [InlineData("attributes.status IN ('RUNNING')", 18, "'IN'", "'attributes.status'", "=, !=, LIKE, ILIKE")]
    [InlineData("run_name > 'a'", 9, "'>'", "'run_name'", "=, !=, LIKE, ILIKE")]
    [InlineData("run_id < 'a'", 7, "'<'", "'run_id'", "=, !=, LIKE, ILIKE, IN, NOT IN")]
    [InlineData("datasets.name > 'a'", 14, "'>'", "'datasets.name'", "=, !=, LIKE, ILIKE, IN, NOT IN")]
    public void ParseRunFilter_ComparatorNotAllowedForKeyType_NamesKeyAndAllowed(string filter, int position, string op, string key, string allowed)
    {
        var message = SearchAssert.RunFilterFails(filter, position, op);
        Assert.Contains("is not allowed for", message, StringComparison.Ordinal);
        Assert.Contains(key, message, StringComparison.Ordinal);
        Assert.EndsWith($"allowed comparators: {allowed}", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics.acc = 'high'", 14, "'high'", "takes a number")]
    [InlineData("start_time > \"1\"", 13, "\"1\"", "takes a number")]
    [InlineData("params.lr = 0.1", 12, "'0.1'", "takes a quoted string")]
    [InlineData("tags.n != 3", 10, "'3'", "takes a quoted string")]
    [InlineData("datasets.name = 1", 16, "'1'", "takes a quoted string")]
    [InlineData("status = -1", 9, "'-1'", "takes a quoted string")]
    public void ParseRunFilter_WrongValueType_FailsAtValue(string filter, int position, string token, string expectation)
    {
        var message = SearchAssert.RunFilterFails(filter, position, token);
        Assert.Contains(expectation, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run_id IN 'a'", 10, "'a'")]
    [InlineData("run_id IN ()", 11, "')'")]
    [InlineData("run_id IN ('a', 1)", 16, "'1'")]
    [InlineData("run_id IN ('a' 'b')", 15, "'b'")]
    [InlineData("run_id IN ('a',)", 15, "')'")]
    [InlineData("run_id IN ('a'", 14, "'<end>'")]
    public void ParseRunFilter_MalformedList_FailsAtPosition(string filter, int position, string token) =>
        SearchAssert.RunFilterFails(filter, position, token);

    [Theory]
    [InlineData("metrics.acc > 1 # note", 16, "'#'")]
    [InlineData("metrics.acc > 1abc", 14, "'1abc'")]
    [InlineData("metrics.acc > - 1", 14, "'-'")]
    [InlineData("metrics.acc > 1 AND", 19, "'<end>'")]
    [InlineData("AND metrics.acc > 1", 0, "'AND'")]
    [InlineData("metrics.acc > 1 AND OR params.a = 'x'", 20, "'OR'")]
    [InlineData("metrics.acc > 1 OR", 18, "'<end>'")]
    [InlineData("metrics.`` > 1", 8, "'``'")]
    [InlineData("metrics. acc > 1", 9, "'acc'")]
    [InlineData("metrics.acc.`x` > 1", 11, "'.'")]
    [InlineData("> 1", 0, "'>'")]
    [InlineData("'metrics.acc' > 1", 0, "'metrics.acc'")]
    public void ParseRunFilter_OtherMalformedInput_FailsAtPosition(string filter, int position, string token) =>
        SearchAssert.RunFilterFails(filter, position, token);
}
