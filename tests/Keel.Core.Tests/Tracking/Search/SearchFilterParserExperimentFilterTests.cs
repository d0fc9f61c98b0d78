using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserExperimentFilterTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ParseExperimentFilter_NullEmptyOrBlank_ReturnsNull(string? filter) =>
        Assert.Null(SearchFilterParser.ParseExperimentFilter(filter));

    [Theory]
    [InlineData("=", Comparator.Equal)]
    [InlineData("!=", Comparator.NotEqual)]
    [InlineData("LIKE", Comparator.Like)]
    [InlineData("ilike", Comparator.ILike)]
    public void ParseExperimentFilter_NameComparator_ReturnsStringComparison(string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseExperimentFilter($"name {op} 'exp%'"), EntityKind.Attribute, "name", expected);
        Assert.Equal("exp%", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("creation_time", "=", Comparator.Equal)]
    [InlineData("creation_time", "!=", Comparator.NotEqual)]
    [InlineData("creation_time", ">", Comparator.Greater)]
    [InlineData("last_update_time", ">=", Comparator.GreaterOrEqual)]
    [InlineData("last_update_time", "<", Comparator.Less)]
    [InlineData("last_update_time", "<=", Comparator.LessOrEqual)]
    public void ParseExperimentFilter_TimeComparator_ReturnsNumericComparison(string key, string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseExperimentFilter($"{key} {op} 1000"), EntityKind.Attribute, key, expected);
        Assert.Equal(1000, SearchAssert.Number(node));
    }

    [Theory]
    [InlineData("attribute.name = 'x'")]
    [InlineData("attributes.name = 'x'")]
    [InlineData("name = 'x'")]
    public void ParseExperimentFilter_AttributePrefixes_ResolveToName(string filter) =>
        SearchAssert.Comparison(SearchFilterParser.ParseExperimentFilter(filter), EntityKind.Attribute, "name", Comparator.Equal);

    [Theory]
    [InlineData("tags.group = 'x'")]
    [InlineData("tag.group = 'x'")]
    [InlineData("tags.`group` = 'x'")]
    public void ParseExperimentFilter_TagPrefixes_ResolveToTag(string filter) =>
        SearchAssert.Comparison(SearchFilterParser.ParseExperimentFilter(filter), EntityKind.Tag, "group", Comparator.Equal);

    [Fact]
    public void ParseExperimentFilter_OrAndParentheses_Parse()
    {
        var node = Assert.IsType<OrNode>(SearchFilterParser.ParseExperimentFilter("name LIKE 'a%' OR (tags.team = 'ml' AND creation_time > 5)"));
        Assert.IsType<ComparisonNode>(node.Terms[0]);
        Assert.Equal(2, Assert.IsType<AndNode>(node.Terms[1]).Terms.Count);
    }

    [Theory]
    [InlineData("metrics.acc > 1", 0, "'metrics'")]
    [InlineData("params.p = 'x'", 0, "'params'")]
    [InlineData("attr.name = 'x'", 0, "'attr'")]
    [InlineData("datasets.name = 'x'", 0, "'datasets'")]
    public void ParseExperimentFilter_RunOnlyEntity_FailsAtKey(string filter, int position, string token)
    {
        var message = SearchAssert.ExperimentFilterFails(filter, position, token);
        Assert.Contains("unknown entity type", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run_id = 'x'", "'run_id'")]
    [InlineData("experiment_id = '1'", "'experiment_id'")]
    [InlineData("attributes.lifecycle_stage = 'active'", "'lifecycle_stage'")]
    public void ParseExperimentFilter_UnknownAttribute_FailsAtKey(string filter, string token)
    {
        var message = SearchAssert.ExperimentFilterFails(filter, 0, token);
        Assert.Contains("valid attributes: creation_time, last_update_time, name", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name IN ('a')", 5, "'IN'")]
    [InlineData("name > 'a'", 5, "'>'")]
    [InlineData("creation_time LIKE '1%'", 14, "'LIKE'")]
    [InlineData("tags.t < 'a'", 7, "'<'")]
    public void ParseExperimentFilter_DisallowedComparator_FailsAtComparator(string filter, int position, string token)
    {
        var message = SearchAssert.ExperimentFilterFails(filter, position, token);
        Assert.Contains("is not allowed for", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExperimentFilter_StringForTime_FailsAtValue() =>
        SearchAssert.ExperimentFilterFails("last_update_time = 'yesterday'", 19, "'yesterday'");
}
