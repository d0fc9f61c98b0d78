using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Core.Tests.Deployments;

public sealed class DeploymentRulesTests
{
    internal static DeploymentSpec Valid(string name = "churn") => new(
        name,
        [new TrafficRoute("champion", "models:/churn@champion", 90), new TrafficRoute("challenger", "models:/churn/2", 10)],
        [new ShadowRoute("candidate", "runs:/abc123/model")],
        "X-User");

    private static string Refused(DeploymentSpec spec)
    {
        var error = Assert.Throws<KeelException>(() => DeploymentRules.Validate(spec));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        return error.Message;
    }

    [Fact]
    public void Validate_ValidSpec_ReturnsIt()
    {
        var spec = Valid();
        var bare = spec with { Shadows = [], StickyHeader = null };

        Assert.Same(spec, DeploymentRules.Validate(spec));
        Assert.Same(bare, DeploymentRules.Validate(bare));
    }

    [Theory]
    [InlineData("", "Missing value for required parameter 'name'")]
    [InlineData("  ", "deployment names must not be blank")]
    [InlineData("a/b", "must not be blank or contain '/'")]
    [InlineData("a\\b", "must not be blank or contain '/'")]
    [InlineData("a\u0001b", "\\u0001")]
    public void Validate_BadName_NamesTheRule(string name, string expected) =>
        Assert.Contains(expected, Refused(Valid(name)), StringComparison.Ordinal);

    [Fact]
    public void Validate_LongName_NamesTheLimit() =>
        Assert.Contains("'name' exceeds the maximum length of 256", Refused(Valid(new string('n', 257))), StringComparison.Ordinal);

    [Fact]
    public void Validate_NoRoutes_IsRefused() =>
        Assert.Contains("'routes': a deployment needs at least one route", Refused(Valid() with { Routes = [] }), StringComparison.Ordinal);

    [Theory]
    [InlineData("", "Missing value for required parameter 'routes[1].name'")]
    [InlineData("has space", "'routes[1].name': route names are 1 to 64 letters, digits, '_' or '-'")]
    [InlineData("é", "'routes[1].name'")]
    [InlineData("champion", "'routes[1].name': route and shadow names must be unique")]
    public void Validate_BadRouteName_NamesTheField(string routeName, string expected)
    {
        var spec = Valid() with { Routes = [new TrafficRoute("champion", "models:/churn/1", 1), new TrafficRoute(routeName, "models:/churn/2", 1)] };

        Assert.Contains(expected, Refused(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShadowNamedLikeARoute_IsRefused() =>
        Assert.Contains("'shadows[0].name': route and shadow names must be unique",
            Refused(Valid() with { Shadows = [new ShadowRoute("champion", "models:/churn/3")] }), StringComparison.Ordinal);

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1)]
    public void Validate_BadWeight_NamesTheField(double weight) =>
        Assert.Contains("'routes[0].weight': weights are finite numbers >= 0",
            Refused(Valid() with { Routes = [new TrafficRoute("a", "models:/churn/1", weight)] }), StringComparison.Ordinal);

    [Fact]
    public void Validate_AllWeightsZero_NeedsAPositiveSum() =>
        Assert.Contains("positive sum",
            Refused(Valid() with { Routes = [new TrafficRoute("a", "models:/churn/1", 0), new TrafficRoute("b", "models:/churn/2", 0)] }),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_ZeroWeightBesideAPositiveOne_IsAllowed() =>
        DeploymentRules.Validate(Valid() with { Routes = [new TrafficRoute("a", "models:/churn/1", 0), new TrafficRoute("b", "models:/churn/2", 5)] });

    [Theory]
    [InlineData("s3://bucket/model", "'routes[0].model_uri'")]
    [InlineData("models:/churn", "'routes[0].model_uri': a model URI needs a version")]
    [InlineData("", "'routes[0].model_uri'")]
    public void Validate_BadRouteUri_NamesTheField(string uri, string expected) =>
        Assert.Contains(expected, Refused(Valid() with { Routes = [new TrafficRoute("a", uri, 1)] }), StringComparison.Ordinal);

    [Fact]
    public void Validate_BadShadowUri_NamesTheField() =>
        Assert.Contains("'shadows[0].model_uri'",
            Refused(Valid() with { Shadows = [new ShadowRoute("s", "http://elsewhere/model")] }), StringComparison.Ordinal);

    [Theory]
    [InlineData("models:/churn/1")]
    [InlineData("models:/churn@champion")]
    [InlineData("models:/churn/Production")]
    [InlineData("runs:/abc/model")]
    [InlineData("mlflow-artifacts:/0/abc/artifacts/model")]
    public void Validate_EverySupportedUriScheme_IsAccepted(string uri) =>
        DeploymentRules.Validate(Valid() with { Routes = [new TrafficRoute("a", uri, 1)] });

    [Theory]
    [InlineData("")]
    [InlineData("X User")]
    [InlineData("X-User:")]
    [InlineData("Ünicode")]
    public void Validate_StickyHeaderNotAToken_IsRefused(string header) =>
        Assert.Contains("'sticky_header': expected an HTTP header name", Refused(Valid() with { StickyHeader = header }), StringComparison.Ordinal);

    [Fact]
    public void Validate_TooManyRoutes_IsRefused()
    {
        var routes = Enumerable.Range(0, DeploymentRules.MaxRoutes + 1).Select(i => new TrafficRoute($"r{i}", "models:/churn/1", 1)).ToArray();

        Assert.Contains("at most 32", Refused(Valid() with { Routes = routes, Shadows = [] }), StringComparison.Ordinal);
    }
}
