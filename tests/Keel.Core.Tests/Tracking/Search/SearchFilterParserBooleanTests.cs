using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserBooleanTests
{
    private const string A = "metrics.a > 1";
    private const string B = "params.b = 'x'";
    private const string C = "tags.c != 'y'";
    private const string D = "status = 'FINISHED'";

    private static string KeyOf(FilterNode node) => Assert.IsType<ComparisonNode>(node).Key;

    [Fact]
    public void ParseRunFilter_SingleComparison_ReturnsComparisonUnwrapped() =>
        Assert.IsType<ComparisonNode>(SearchFilterParser.ParseRunFilter(A));

    [Fact]
    public void ParseRunFilter_ThreeAndTerms_ReturnsOneAndInOrder()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"{A} AND {B} AND {C}"));
        Assert.Equal(["a", "b", "c"], node.Terms.Select(KeyOf));
    }

    [Theory]
    [InlineData("and")]
    [InlineData("And")]
    [InlineData("aNd")]
    public void ParseRunFilter_AndInAnyCase_Joins(string and)
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"{A} {and} {B}"));
        Assert.Equal(2, node.Terms.Count);
    }

    [Theory]
    [InlineData("OR")]
    [InlineData("or")]
    [InlineData("Or")]
    public void ParseRunFilter_OrInAnyCase_ReturnsOrNode(string or)
    {
        var node = Assert.IsType<OrNode>(SearchFilterParser.ParseRunFilter($"{A} {or} {B}"));
        Assert.Equal(["a", "b"], node.Terms.Select(KeyOf));
    }

    [Fact]
    public void ParseRunFilter_OrThenAnd_AndBindsTighter()
    {
        var node = Assert.IsType<OrNode>(SearchFilterParser.ParseRunFilter($"{A} OR {B} AND {C}"));
        Assert.Equal("a", KeyOf(node.Terms[0]));
        var and = Assert.IsType<AndNode>(node.Terms[1]);
        Assert.Equal(["b", "c"], and.Terms.Select(KeyOf));
    }

    [Fact]
    public void ParseRunFilter_AndThenOr_AndBindsTighter()
    {
        var node = Assert.IsType<OrNode>(SearchFilterParser.ParseRunFilter($"{A} AND {B} OR {C}"));
        Assert.Equal(["a", "b"], Assert.IsType<AndNode>(node.Terms[0]).Terms.Select(KeyOf));
        Assert.Equal("c", KeyOf(node.Terms[1]));
    }

    [Fact]
    public void ParseRunFilter_ParenthesisedOr_GroupsBeforeAnd()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"({A} OR {B}) AND {C}"));
        Assert.Equal(["a", "b"], Assert.IsType<OrNode>(node.Terms[0]).Terms.Select(KeyOf));
        Assert.Equal("c", KeyOf(node.Terms[1]));
    }

    [Fact]
    public void ParseRunFilter_RedundantParentheses_ReturnComparison() =>
        Assert.Equal("a", KeyOf(SearchFilterParser.ParseRunFilter($"((( {A} )))")!));

    [Fact]
    public void ParseRunFilter_NestedAnds_Flatten()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"({A} AND {B}) AND ({C} AND ({D}))"));
        Assert.Equal(["a", "b", "c", "status"], node.Terms.Select(KeyOf));
    }

    [Fact]
    public void ParseRunFilter_NestedOrs_Flatten()
    {
        var node = Assert.IsType<OrNode>(SearchFilterParser.ParseRunFilter($"(({A} OR {B})) OR ({C} OR {D})"));
        Assert.Equal(["a", "b", "c", "status"], node.Terms.Select(KeyOf));
    }

    [Fact]
    public void ParseRunFilter_OrInsideAnd_DoesNotFlattenAcrossKinds()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"{A} AND ({B} OR {C}) AND {D}"));
        Assert.Equal(3, node.Terms.Count);
        Assert.IsType<OrNode>(node.Terms[1]);
        Assert.Equal("status", KeyOf(node.Terms[2]));
    }

    [Fact]
    public void ParseRunFilter_DeepNesting_KeepsStructure()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter($"({A} AND ({B} OR ({C} AND {D})))"));
        Assert.Equal("a", KeyOf(node.Terms[0]));
        var or = Assert.IsType<OrNode>(node.Terms[1]);
        Assert.Equal("b", KeyOf(or.Terms[0]));
        Assert.Equal(["c", "status"], Assert.IsType<AndNode>(or.Terms[1]).Terms.Select(KeyOf));
    }

    [Fact]
    public void ParseRunFilter_KeywordsInsideStrings_AreValues()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("params.q = 'a OR b AND (c)'"), EntityKind.Param, "q", Comparator.Equal);
        Assert.Equal("a OR b AND (c)", SearchAssert.String(node));
    }
}
