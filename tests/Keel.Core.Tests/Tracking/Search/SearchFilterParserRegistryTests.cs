using Keel.Core.Common;
using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserRegistryTests
{
    [Theory]
    [InlineData("=", Comparator.Equal)]
    [InlineData("!=", Comparator.NotEqual)]
    [InlineData("LIKE", Comparator.Like)]
    [InlineData("ILIKE", Comparator.ILike)]
    public void ParseRegisteredModelFilter_Name_ReturnsStringComparison(string op, Comparator expected)
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRegisteredModelFilter($"name {op} 'churn%'"), EntityKind.Attribute, "name", expected);
        Assert.Equal("churn%", SearchAssert.String(node));
    }

    [Fact]
    public void ParseRegisteredModelFilter_Tag_ReturnsTagComparison()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseRegisteredModelFilter("tags.team = 'ml'"), EntityKind.Tag, "team", Comparator.Equal);
        Assert.Equal("ml", SearchAssert.String(node));
    }

    [Theory]
    [InlineData("run_id = 'x'")]
    [InlineData("metrics.acc > 1")]
    [InlineData("params.p = 'x'")]
    [InlineData("name IN ('a')")]
    public void ParseRegisteredModelFilter_UnsupportedKeyOrComparator_Throws(string filter)
    {
        var error = Assert.Throws<KeelException>(() => SearchFilterParser.ParseRegisteredModelFilter(filter));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Fact]
    public void ParseModelVersionFilter_RunIdIn_ReturnsList()
    {
        var node = SearchAssert.Comparison(SearchFilterParser.ParseModelVersionFilter("run_id IN ('a', 'b')"), EntityKind.Attribute, "run_id", Comparator.In);
        Assert.Equal(["a", "b"], Assert.IsType<ListValue>(node.Value).Values);
    }

    [Theory]
    [InlineData("source = 'mlflow-artifacts:/0/r/artifacts/model'")]
    [InlineData("source_path = 'mlflow-artifacts:/0/r/artifacts/model'")]
    public void ParseModelVersionFilter_SourceOrSourcePath_ResolvesToSource(string filter) =>
        SearchAssert.Comparison(SearchFilterParser.ParseModelVersionFilter(filter), EntityKind.Attribute, "source", Comparator.Equal);

    [Theory]
    [InlineData("run_id NOT IN ('a')")]
    [InlineData("name IN ('a')")]
    [InlineData("metrics.acc > 1")]
    [InlineData("status = 'READY'")]
    public void ParseModelVersionFilter_UnsupportedKeyOrComparator_Throws(string filter)
    {
        var error = Assert.Throws<KeelException>(() => SearchFilterParser.ParseModelVersionFilter(filter));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
    }

    [Theory]
    [InlineData("timestamp DESC", "last_updated_timestamp", false)]
    [InlineData("creation_timestamp", "creation_timestamp", true)]
    [InlineData("name ASC", "name", true)]
    public void ParseRegisteredModelOrderBy_KnownKeys_ResolveCanonically(string clause, string key, bool ascending)
    {
        var term = Assert.Single(SearchFilterParser.ParseRegisteredModelOrderBy([clause]));
        Assert.Equal(new OrderByTerm(EntityKind.Attribute, key, ascending), term);
    }

    [Fact]
    public void ParseModelVersionOrderBy_VersionNumber_IsAccepted() =>
        Assert.Equal("version_number", Assert.Single(SearchFilterParser.ParseModelVersionOrderBy(["version_number DESC"])).Key);

    [Fact]
    public void ParseRegisteredModelOrderBy_VersionNumber_Throws() =>
        Assert.Throws<KeelException>(() => SearchFilterParser.ParseRegisteredModelOrderBy(["version_number"]));
}
