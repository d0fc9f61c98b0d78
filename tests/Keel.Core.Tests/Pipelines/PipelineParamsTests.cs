using Keel.Core.Common;
using Keel.Core.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineParamsTests
{
    private const string Yaml = """
        prepare:
          split: 0.20
          seed: 7
        train:
          lr: 0.1
          layers: [64, 32]
          name: "baseline"
          opts: {b: true, a: null}
        flat.key: 3
        """;

    private static StageSpec StageWith(params string[] keys) =>
        new("train", "x", ".", [], keys, [], [], 0, TimeSpan.FromSeconds(1), null, new Dictionary<string, string>(), 9)
        {
            KeyLines = new Dictionary<string, int> { ["params[1]"] = 12 },
        };

    [Fact]
    public void TryGetJson_DottedKeys_GiveCanonicalJson()
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");

        Assert.Equal("0.2", Json(parameters, "prepare.split"));
        Assert.Equal("7", Json(parameters, "prepare.seed"));
        Assert.Equal("[64,32]", Json(parameters, "train.layers"));
        Assert.Equal("\"baseline\"", Json(parameters, "train.name"));
        Assert.Equal("{\"a\":null,\"b\":true}", Json(parameters, "train.opts"));
        Assert.Equal("32", Json(parameters, "train.layers.1"));
        Assert.Equal("3", Json(parameters, "flat.key"));
        Assert.Equal("{\"seed\":7,\"split\":0.2}", Json(parameters, "prepare"));
        Assert.False(parameters.TryGetJson("train.missing", out _));
    }

    [Fact]
    public void TryGetText_Scalar_IsTheTextAsWritten()
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");

        Assert.True(parameters.TryGetText("prepare.split", out var split));
        Assert.Equal("0.20", split);
        Assert.True(parameters.TryGetText("train.name", out var name));
        Assert.Equal("baseline", name);
        Assert.True(parameters.TryGetText("train.layers", out var layers));
        Assert.Equal("[64,32]", layers);
    }

    [Fact]
    public void WithOverrides_TypesValuesAsYamlAndCreatesSections()
    {
        var original = PipelineParams.Parse(Yaml, "params.yaml");

        var parameters = original.WithOverrides(["train.lr=0.3", "train.name='0.3'", "eval.metric=auc", "train.layers=[8]", "prepare.seed="]);

        Assert.Equal("0.3", Json(parameters, "train.lr"));
        Assert.Equal("\"0.3\"", Json(parameters, "train.name"));
        Assert.Equal("\"auc\"", Json(parameters, "eval.metric"));
        Assert.Equal("[8]", Json(parameters, "train.layers"));
        Assert.Equal("null", Json(parameters, "prepare.seed"));
        Assert.Equal("0.1", Json(original, "train.lr"));
    }

    [Theory]
    [InlineData("train.lr", "Invalid param override 'train.lr': expected dotted.key=value, e.g. train.lr=0.2.")]
    [InlineData("=3", "Invalid param override '=3': expected dotted.key=value, e.g. train.lr=0.2.")]
    [InlineData("train..lr=3", "Invalid param override 'train..lr=3': expected dotted.key=value, e.g. train.lr=0.2.")]
    [InlineData("train.lr.x=3", "Invalid param override 'train.lr.x=3': 'lr' is not a mapping, so it has no 'x'.")]
    public void WithOverrides_BadAssignment_NamesIt(string assignment, string expected)
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");

        Assert.Equal(expected, Assert.Throws<KeelException>(() => parameters.WithOverrides([assignment])).Message);
    }

    [Fact]
    public void WithOverrides_UnparsableValue_NamesTheAssignment()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParams.Empty.WithOverrides(["a=[1"]));

        Assert.StartsWith("Invalid param override 'a=[1': the value is not a YAML value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesFor_ListedKeys_GivesSortedCanonicalValues()
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");

        var values = parameters.ValuesFor(StageWith("train.lr", "prepare.split"));

        Assert.Equal([new("prepare.split", "0.2"), new KeyValuePair<string, string>("train.lr", "0.1")], values);
    }

    [Fact]
    public void ValuesFor_MissingKey_NamesStageKeyAndLine()
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");

        var error = Assert.Throws<KeelException>(() => parameters.ValuesFor(StageWith("train.lr", "train.epochs")));

        Assert.Equal("keel.yaml:12: stage 'train': params: 'train.epochs' is not in params.yaml", error.Message);
    }

    [Fact]
    public void Interpolate_ReplacesKeysUnescapesAndRecordsUse()
    {
        var parameters = PipelineParams.Parse(Yaml, "params.yaml");
        var used = new List<string>();

        var text = parameters.Interpolate("run --lr ${train.lr} --split ${ prepare.split } --home \\${HOME} ${train.lr}", "where", used);

        Assert.Equal("run --lr 0.1 --split 0.20 --home ${HOME} 0.1", text);
        Assert.Equal(["train.lr", "prepare.split"], used);
    }

    [Fact]
    public void Interpolate_MissingKey_NamesWhereAndKey()
    {
        var error = Assert.Throws<KeelException>(() => PipelineParams.Empty.Interpolate("echo ${HOME}", "keel.yaml:3: stage 'a': cmd"));

        Assert.Equal("keel.yaml:3: stage 'a': cmd: ${HOME}: 'HOME' is not in params.yaml", error.Message);
    }

    [Theory]
    [InlineData("- a\n", "params.yaml:1: expected a mapping of param names to values.")]
    [InlineData("a: [1\n", "params.yaml:2: not valid YAML: While parsing a flow sequence, did not find expected ',' or ']'.")]
    public void Parse_NotAMapping_NamesTheFile(string yaml, string expected) =>
        Assert.Equal(expected, Assert.Throws<KeelException>(() => PipelineParams.Parse(yaml, "params.yaml")).Message);

    [Fact]
    public void Parse_NullOrBlank_IsEmpty()
    {
        Assert.False(PipelineParams.Parse(null, "params.yaml").TryGetJson("a", out _));
        Assert.False(PipelineParams.Parse("  \n", "params.yaml").TryGetJson("a", out _));
    }

    private static string Json(PipelineParams parameters, string key)
    {
        Assert.True(parameters.TryGetJson(key, out var json), key);
        return json;
    }
}
