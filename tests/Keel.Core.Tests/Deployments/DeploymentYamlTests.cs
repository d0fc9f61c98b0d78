using Keel.Core.Common;
using Keel.Core.Deployments;

namespace Keel.Core.Tests.Deployments;

public sealed class DeploymentYamlTests
{
    private const string Full = """
        name: churn
        routes:
          - name: champion
            model_uri: models:/churn@champion
            weight: 90
          - {name: challenger, model_uri: "models:/churn@challenger", weight: 10.5}
        shadows:
          - name: candidate
            model_uri: models:/churn/7
        sticky_header: X-User
        """;

    [Fact]
    public void Parse_FullFile_ReadsEveryField()
    {
        var spec = DeploymentYaml.Parse(Full);

        Assert.Equal("churn", spec.Name);
        Assert.Equal(
            [new TrafficRoute("champion", "models:/churn@champion", 90), new TrafficRoute("challenger", "models:/churn@challenger", 10.5)],
            spec.Routes);
        Assert.Equal([new ShadowRoute("candidate", "models:/churn/7")], spec.Shadows);
        Assert.Equal("X-User", spec.StickyHeader);
    }

    [Fact]
    public void Parse_MinimalFile_HasNoShadowsNorStickyHeader()
    {
        var spec = DeploymentYaml.Parse("name: m\nroutes:\n  - {name: main, model_uri: 'models:/m/1', weight: 1}\n");

        Assert.Empty(spec.Shadows);
        Assert.Null(spec.StickyHeader);
    }

    [Fact]
    public void Parse_NameFromCaller_FillsAFileWithoutName_AndMustMatchOne()
    {
        const string unnamed = "routes:\n  - {name: main, model_uri: 'models:/m/1', weight: 1}\n";

        Assert.Equal("given", DeploymentYaml.Parse(unnamed, "given").Name);
        Assert.Equal("churn", DeploymentYaml.Parse(Full, "churn").Name);
        Assert.Contains("names deployment 'churn', not 'other'",
            Assert.Throws<KeelException>(() => DeploymentYaml.Parse(Full, "other")).Message, StringComparison.Ordinal);
        Assert.Contains("'name'", Assert.Throws<KeelException>(() => DeploymentYaml.Parse(unnamed)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: m\nroute: []\n", "Unknown key 'route'")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1', weight: 1, wieght: 2}\n", "Unknown key 'routes[0].wieght'")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1'}\n", "'routes[0].weight'")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1', weight: lots}\n", "'routes[0].weight': expected a number")]
    [InlineData("name: m\nroutes: champion\n", "'routes': expected a list")]
    [InlineData("name: m\nroutes:\n  - champion\n", "'routes[0]': expected a mapping")]
    [InlineData("- just a list\n", "must be a YAML mapping")]
    [InlineData("name: [m\n", "not valid YAML")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1', weight: -1}\n", "'routes[0].weight': weights are finite")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1', weight: .nan}\n", "'routes[0].weight': weights are finite")]
    [InlineData("name: m\nroutes:\n  - {name: a, model_uri: 'models:/m/1', weight: 1}\nsticky_header: 'X User'\n", "'sticky_header'")]
    public void Parse_BadFile_NamesTheKey(string yaml, string expected)
    {
        var error = Assert.Throws<KeelException>(() => DeploymentYaml.Parse(yaml));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
