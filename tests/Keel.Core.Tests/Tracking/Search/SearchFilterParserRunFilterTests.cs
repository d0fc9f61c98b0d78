using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserRunFilterTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void ParseRunFilter_NullEmptyOrBlank_ReturnsNull(string? filter) =>
        Assert.Null(SearchFilterParser.ParseRunFilter(filter));

    [Theory]
    [InlineData("=", Comparator.Equal)]
    [InlineData("!=", Comparator.NotEqual)]
    [InlineData(">", Comparator.Greater)]
    [InlineData(">=", Comparator.GreaterOrEqual)]
    [InlineData("<", Comparator.Less)]
    [InlineData("<=", Comparator.LessOrEqual)]
    public void ParseRunFilter_MetricComparator_ReturnsNumericComparison(string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"metrics.acc {op} 0.5"), EntityKind.Metric, "acc", expected);
        Assert.Equal(0.5, SearchAssert.Number(node));
    }

    [Theory]
    [InlineData("params", "=", Comparator.Equal, EntityKind.Param)]
    [InlineData("params", "!=", Comparator.NotEqual, EntityKind.Param)]
    [InlineData("params", "LIKE", Comparator.Like, EntityKind.Param)]
    [InlineData("params", "ILIKE", Comparator.ILike, EntityKind.Param)]
    [InlineData("tags", "=", Comparator.Equal, EntityKind.Tag)]
    [InlineData("tags", "!=", Comparator.NotEqual, EntityKind.Tag)]
    [InlineData("tags", "LIKE", Comparator.Like, EntityKind.Tag)]
    [InlineData("tags", "ILIKE", Comparator.ILike, EntityKind.Tag)]
    public void ParseRunFilter_ParamOrTagComparator_ReturnsStringComparison(string entity, string op, Comparator expected, EntityKind kind)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"{entity}.model {op} 'cnn%'"), kind, "model", expected);
        Assert.Equal("cnn%", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("run_id", "=", Comparator.Equal)]
    [InlineData("run_name", "!=", Comparator.NotEqual)]
    [InlineData("user_id", "LIKE", Comparator.Like)]
    [InlineData("status", "ILIKE", Comparator.ILike)]
    [InlineData("artifact_uri", "=", Comparator.Equal)]
    [InlineData("run_id", "ILIKE", Comparator.ILike)]
    public void ParseRunFilter_StringAttributeComparator_ReturnsStringComparison(string key, string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"attributes.{key} {op} 'x'"), EntityKind.Attribute, key, expected);
        Assert.Equal("x", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("start_time", "=", Comparator.Equal)]
    [InlineData("start_time", "!=", Comparator.NotEqual)]
    [InlineData("start_time", ">", Comparator.Greater)]
    [InlineData("end_time", ">=", Comparator.GreaterOrEqual)]
    [InlineData("end_time", "<", Comparator.Less)]
    [InlineData("end_time", "<=", Comparator.LessOrEqual)]
    public void ParseRunFilter_NumericAttributeComparator_ReturnsNumericComparison(string key, string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"attributes.{key} {op} 1700000000000"), EntityKind.Attribute, key, expected);
        Assert.Equal(1_700_000_000_000d, SearchAssert.Number(node));
    }

    [Fact]
    public void ParseRunFilter_RunIdIn_ReturnsListInOrder()
    {
        var node = SearchAssert.Comparison(
            SearchFilterParser.ParseRunFilter("attributes.run_id IN ('a1', \"b2\" ,'c3')"), EntityKind.Attribute, "run_id", Comparator.In);
        Assert.Equal(["a1", "b2", "c3"], SearchAssert.List(node));
    }

    [Fact]
    public void ParseRunFilter_RunIdNotInSingleItem_ReturnsOneItemList()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("run_id NOT IN ('a1')"), EntityKind.Attribute, "run_id", Comparator.NotIn);
        Assert.Equal(["a1"], SearchAssert.List(node));
    }

    [Fact]
    public void ParseRunFilter_ListItemWithCommaAndParen_KeepsItemWhole()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("datasets.name IN ('a,b', 'c)')"), EntityKind.Dataset, "name", Comparator.In);
        Assert.Equal(["a,b", "c)"], SearchAssert.List(node));
    }

    [Theory]
    [InlineData("name", "=", Comparator.Equal)]
    [InlineData("digest", "!=", Comparator.NotEqual)]
    [InlineData("context", "LIKE", Comparator.Like)]
    [InlineData("name", "ILIKE", Comparator.ILike)]
    public void ParseRunFilter_DatasetComparator_ReturnsStringComparison(string key, string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"datasets.{key} {op} 'train'"), EntityKind.Dataset, key, expected);
        Assert.Equal("train", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("name", "IN", Comparator.In)]
    [InlineData("digest", "IN", Comparator.In)]
    [InlineData("context", "NOT IN", Comparator.NotIn)]
    public void ParseRunFilter_DatasetInList_ReturnsList(string key, string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"datasets.{key} {op} ('train', 'eval')"), EntityKind.Dataset, key, expected);
        Assert.Equal(["train", "eval"], SearchAssert.List(node));
    }

    [Theory]
    [InlineData("metric.acc > 1", EntityKind.Metric, "acc")]
    [InlineData("metrics.acc > 1", EntityKind.Metric, "acc")]
    [InlineData("param.lr = '1'", EntityKind.Param, "lr")]
    [InlineData("params.lr = '1'", EntityKind.Param, "lr")]
    [InlineData("parameter.lr = '1'", EntityKind.Param, "lr")]
    [InlineData("parameters.lr = '1'", EntityKind.Param, "lr")]
    [InlineData("tag.team = 'a'", EntityKind.Tag, "team")]
    [InlineData("tags.team = 'a'", EntityKind.Tag, "team")]
    [InlineData("attribute.status = 'RUNNING'", EntityKind.Attribute, "status")]
    [InlineData("attributes.status = 'RUNNING'", EntityKind.Attribute, "status")]
    [InlineData("attr.status = 'RUNNING'", EntityKind.Attribute, "status")]
    [InlineData("run.status = 'RUNNING'", EntityKind.Attribute, "status")]
    [InlineData("dataset.digest = 'abc'", EntityKind.Dataset, "digest")]
    [InlineData("datasets.digest = 'abc'", EntityKind.Dataset, "digest")]
    public void ParseRunFilter_EntityAlias_ResolvesEntityKind(string filter, EntityKind kind, string key)
    {
        var node = Assert.IsType<ComparisonNode>(SearchFilterParser.ParseRunFilter(filter));
        Assert.Equal(kind, node.Kind);
        Assert.Equal(key, node.Key);
    }

    [Fact]
    public void ParseRunFilter_BareIdentifier_IsAttribute()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("status = 'FINISHED'"), EntityKind.Attribute, "status", Comparator.Equal);
        Assert.Equal("FINISHED", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("created > 5")]
    [InlineData("Created > 5")]
    [InlineData("attributes.created > 5")]
    [InlineData("attr.Created > 5")]
    public void ParseRunFilter_CreatedAlias_CanonicalisesToStartTime(string filter)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Attribute, "start_time", Comparator.Greater);
        Assert.Equal(5, SearchAssert.Number(node));
    }

    [Theory]
    [InlineData("attributes.`run name` = 'x'")]
    [InlineData("attributes.`Run name` = 'x'")]
    [InlineData("attributes.\"Run Name\" = 'x'")]
    [InlineData("`Run Name` = 'x'")]
    public void ParseRunFilter_RunNameAlias_CanonicalisesToRunName(string filter) =>
        SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Attribute, "run_name", Comparator.Equal);

    [Fact]
    public void ParseRunFilter_BacktickedKey_KeepsSpaces()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("metrics.`my metric` >= 2"), EntityKind.Metric, "my metric", Comparator.GreaterOrEqual);
        Assert.Equal(2, SearchAssert.Number(node));
    }

    [Fact]
    public void ParseRunFilter_DoubleQuotedKey_KeepsSpacesAndHyphens()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("params.\"learning-rate a\" = '0.1'"), EntityKind.Param, "learning-rate a", Comparator.Equal);
        Assert.Equal("0.1", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("tags.`mlflow.source.name` = 'train.py'")]
    [InlineData("tags.\"mlflow.source.name\" = 'train.py'")]
    [InlineData("tags.mlflow.source.name = 'train.py'")]
    public void ParseRunFilter_DottedTagKey_KeepsDotsInKey(string filter)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Tag, "mlflow.source.name", Comparator.Equal);
        Assert.Equal("train.py", SearchAssert.String(node));
    }

    [Fact]
    public void ParseRunFilter_BacktickedEntity_ResolvesEntity() =>
        SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("`metrics`.`f1 score` < 1"), EntityKind.Metric, "f1 score", Comparator.Less);

    [Theory]
    [InlineData("params.m = 'cnn'", "cnn")]
    [InlineData("params.m = \"cnn\"", "cnn")]
    [InlineData("params.m = 'it''s'", "it's")]
    [InlineData("params.m = 'it\\'s'", "it's")]
    [InlineData("params.m = \"it's\"", "it's")]
    [InlineData("params.m = 'say \"hi\"'", "say \"hi\"")]
    [InlineData("params.m = \"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData("params.m = ''", "")]
    [InlineData("params.m = '  AND x OR (y) '", "  AND x OR (y) ")]
    [InlineData("params.m = 'C:\\data'", "C:\\data")]
    public void ParseRunFilter_QuotedValue_Unquotes(string filter, string expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Param, "m", Comparator.Equal);
        Assert.Equal(expected, SearchAssert.String(node));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("42", 42)]
    [InlineData("-7", -7)]
    [InlineData("0.25", 0.25)]
    [InlineData("-0.25", -0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("-.5", -0.5)]
    [InlineData("3.", 3)]
    [InlineData("1e3", 1000)]
    [InlineData("1E-3", 0.001)]
    [InlineData("-2.5e+2", -250)]
    [InlineData("1700000000123", 1700000000123)]
    public void ParseRunFilter_NumberForms_ParseInvariantly(string literal, double expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRunFilter($"metrics.loss <= {literal}"), EntityKind.Metric, "loss", Comparator.LessOrEqual);
        Assert.Equal(expected, SearchAssert.Number(node));
    }

    [Theory]
    [InlineData("params.m like 'a%'", Comparator.Like)]
    [InlineData("params.m Like 'a%'", Comparator.Like)]
    [InlineData("params.m ilike 'a%'", Comparator.ILike)]
    [InlineData("params.m iLiKe 'a%'", Comparator.ILike)]
    public void ParseRunFilter_LikeKeywordsInAnyCase_Parse(string filter, Comparator expected) =>
        SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Param, "m", expected);

    [Theory]
    [InlineData("run_id in ('a')", Comparator.In)]
    [InlineData("run_id not in ('a')", Comparator.NotIn)]
    [InlineData("run_id Not In ('a')", Comparator.NotIn)]
    [InlineData("run_id NOT   IN('a')", Comparator.NotIn)]
    public void ParseRunFilter_InKeywordsInAnyCase_Parse(string filter, Comparator expected) =>
        SearchAssert.Comparison(SearchFilterParser.ParseRunFilter(filter), EntityKind.Attribute, "run_id", expected);

    [Fact]
    public void ParseRunFilter_NoWhitespace_Parses()
    {
        var node = Assert.IsType<AndNode>(SearchFilterParser.ParseRunFilter("metrics.acc>=0.5 AND params.m='x'AND(tags.t!=\"y\")"));
        Assert.Equal(3, node.Terms.Count);
        Assert.Equal(Comparator.GreaterOrEqual, Assert.IsType<ComparisonNode>(node.Terms[0]).Op);
        Assert.Equal("x", SearchAssert.String(Assert.IsType<ComparisonNode>(node.Terms[1])));
        SearchAssert.Comparison(node.Terms[2], EntityKind.Tag, "t", Comparator.NotEqual);
    }

    [Fact]
    public void ParseRunFilter_KeyNamedLikeKeyword_IsAKey() =>
        SearchAssert.Comparison(SearchFilterParser.ParseRunFilter("params.and = 'or'"), EntityKind.Param, "and", Comparator.Equal);
}
