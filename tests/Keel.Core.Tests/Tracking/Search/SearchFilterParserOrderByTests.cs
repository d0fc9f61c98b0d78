using Keel.Core.Tracking.Search;
using Xunit;

namespace Keel.Core.Tests.Tracking.Search;

public class SearchFilterParserOrderByTests
{
    private static OrderByTerm RunTerm(string clause) => Assert.Single(SearchFilterParser.ParseRunOrderBy([clause]));

    private static OrderByTerm ExperimentTerm(string clause) => Assert.Single(SearchFilterParser.ParseExperimentOrderBy([clause]));

    [Fact]
    public void ParseRunOrderBy_NullOrEmpty_ReturnsEmpty()
    {
        Assert.Empty(SearchFilterParser.ParseRunOrderBy(null));
        Assert.Empty(SearchFilterParser.ParseRunOrderBy([]));
        Assert.Empty(SearchFilterParser.ParseExperimentOrderBy(null));
    }

    [Theory]
    [InlineData("metrics.acc", EntityKind.Metric, "acc", true)]
    [InlineData("metrics.acc DESC", EntityKind.Metric, "acc", false)]
    [InlineData("metric.acc asc", EntityKind.Metric, "acc", true)]
    [InlineData("params.lr desc", EntityKind.Param, "lr", false)]
    [InlineData("parameter.lr Desc", EntityKind.Param, "lr", false)]
    [InlineData("tags.`mlflow.runName` ASC", EntityKind.Tag, "mlflow.runName", true)]
    [InlineData("tags.mlflow.runName", EntityKind.Tag, "mlflow.runName", true)]
    [InlineData("metrics.`my metric` DESC", EntityKind.Metric, "my metric", false)]
    [InlineData("params.\"a b\"", EntityKind.Param, "a b", true)]
    [InlineData("  metrics.acc   DESC  ", EntityKind.Metric, "acc", false)]
    public void ParseRunOrderBy_EntityKeys_ParseKeyAndDirection(string clause, EntityKind kind, string key, bool ascending) =>
        Assert.Equal(new OrderByTerm(kind, key, ascending), RunTerm(clause));

    [Theory]
    [InlineData("start_time", "start_time", true)]
    [InlineData("attributes.start_time DESC", "start_time", false)]
    [InlineData("attr.end_time", "end_time", true)]
    [InlineData("run.run_name desc", "run_name", false)]
    [InlineData("run_id", "run_id", true)]
    [InlineData("user_id", "user_id", true)]
    [InlineData("status DESC", "status", false)]
    [InlineData("artifact_uri", "artifact_uri", true)]
    [InlineData("created DESC", "start_time", false)]
    [InlineData("attributes.Created", "start_time", true)]
    public void ParseRunOrderBy_Attributes_Canonicalise(string clause, string key, bool ascending) =>
        Assert.Equal(new OrderByTerm(EntityKind.Attribute, key, ascending), RunTerm(clause));

    [Fact]
    public void ParseRunOrderBy_SeveralClauses_KeepOrder()
    {
        var terms = SearchFilterParser.ParseRunOrderBy(["metrics.acc DESC", "params.lr", "start_time desc"]);
        Assert.Equal(
            [
                new OrderByTerm(EntityKind.Metric, "acc", false),
                new OrderByTerm(EntityKind.Param, "lr", true),
                new OrderByTerm(EntityKind.Attribute, "start_time", false),
            ],
            terms);
    }

    [Theory]
    [InlineData("name", "name", true)]
    [InlineData("experiment_id DESC", "experiment_id", false)]
    [InlineData("creation_time desc", "creation_time", false)]
    [InlineData("attribute.last_update_time ASC", "last_update_time", true)]
    [InlineData("attributes.name", "name", true)]
    public void ParseExperimentOrderBy_Attributes_Parse(string clause, string key, bool ascending) =>
        Assert.Equal(new OrderByTerm(EntityKind.Attribute, key, ascending), ExperimentTerm(clause));

    [Theory]
    [InlineData("metrics.acc sideways", 12, "'sideways'")]
    [InlineData("metrics.acc DESC extra", 17, "'extra'")]
    [InlineData("metrics.acc ASC DESC", 16, "'DESC'")]
    [InlineData("", 0, "'<end>'")]
    [InlineData("metrics.acc, params.lr", 11, "','")]
    [InlineData("metrics.`acc DESC", 8, "'`acc DESC'")]
    public void ParseRunOrderBy_Malformed_FailsAtPosition(string clause, int position, string token) =>
        SearchAssert.Fails(() => SearchFilterParser.ParseRunOrderBy([clause]), "order_by", position, token);

    [Theory]
    [InlineData("datasets.name", "'datasets.name'")]
    [InlineData("attributes.lifecycle_stage", "'lifecycle_stage'")]
    [InlineData("`run name`", "'run name'")]
    [InlineData("foo.bar DESC", "'foo'")]
    public void ParseRunOrderBy_UnorderableKey_FailsAtKey(string clause, string token) =>
        SearchAssert.Fails(() => SearchFilterParser.ParseRunOrderBy([clause]), "order_by", 0, token);

    [Theory]
    [InlineData("tags.team", "'tags.team'")]
    [InlineData("run_id", "'run_id'")]
    [InlineData("metrics.acc", "'metrics'")]
    public void ParseExperimentOrderBy_UnorderableKey_FailsAtKey(string clause, string token) =>
        SearchAssert.Fails(() => SearchFilterParser.ParseExperimentOrderBy([clause]), "order_by", 0, token);

    [Fact]
    public void ParseRunOrderBy_SecondClauseBad_NamesThatClause()
    {
        var message = SearchAssert.Fails(
            () => SearchFilterParser.ParseRunOrderBy(["metrics.acc", "params.lr upward"]), "order_by", 10, "'upward'");
        Assert.StartsWith("Invalid order_by 'params.lr upward' at position 10:", message, StringComparison.Ordinal);
    }
}
