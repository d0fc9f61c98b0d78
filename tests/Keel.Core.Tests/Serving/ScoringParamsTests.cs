using System.Text.Json;
using Keel.Core.Common;
using Keel.Core.Models.Packages;
using Keel.Core.Serving;

namespace Keel.Core.Tests.Serving;

public sealed class ScoringParamsTests
{
    private static readonly IReadOnlyList<ParamSpec> Schema = ModelSignature.ParseParams("""
        [{"name": "temperature", "type": "double", "default": 0.5, "shape": null},
         {"name": "top_k", "type": "long", "default": 3, "shape": null},
         {"name": "beams", "type": "integer", "default": 1, "shape": null},
         {"name": "ratio", "type": "float", "default": 1.0, "shape": null},
         {"name": "greedy", "type": "boolean", "default": false, "shape": null},
         {"name": "prefix", "type": "string", "default": "", "shape": null},
         {"name": "as_of", "type": "datetime", "default": "2024-01-01", "shape": null},
         {"name": "stop", "type": "string", "default": ["\n"], "shape": [-1]}]
        """);

    [Fact]
    public void Conform_NothingGiven_EveryParamTakesItsDefault()
    {
        var conformed = ScoringParams.Conform(Schema, given: null);

        Assert.Equal(Schema.Select(p => p.Name), conformed.Select(p => p.Key));
        Assert.Equal(0.5, Value(conformed, "temperature").GetDouble());
        Assert.Equal("\n", Value(conformed, "stop")[0].GetString());
    }

    [Fact]
    public void Conform_SomeGiven_GivenValuesKeptOthersDefaulted()
    {
        var conformed = ScoringParams.Conform(Schema, Json("""{"temperature": 1, "stop": ["a", "b"], "as_of": "2024-05-06T07:08:09Z"}"""));

        Assert.Equal(1, Value(conformed, "temperature").GetDouble());
        Assert.Equal(["a", "b"], Value(conformed, "stop").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, Value(conformed, "top_k").GetInt64());
        Assert.Equal("2024-05-06T07:08:09Z", Value(conformed, "as_of").GetString());
    }

    [Fact]
    public void Conform_UnknownName_NamesItAndListsTheKnownOnes()
    {
        var error = Assert.Throws<KeelException>(() => ScoringParams.Conform(Schema, Json("""{"temprature": 0.1}""")));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("'temprature'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'temperature', 'top_k', 'beams', 'ratio', 'greedy', 'prefix', 'as_of', 'stop'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"temperature": "hot"}""", "temperature", "expected double")]
    [InlineData("""{"temperature": null}""", "temperature", "expected double")]
    [InlineData("""{"top_k": 2.5}""", "top_k", "expected long")]
    [InlineData("""{"top_k": true}""", "top_k", "expected long")]
    [InlineData("""{"beams": 3000000000}""", "beams", "expected integer (32-bit)")]
    [InlineData("""{"ratio": 1e300}""", "ratio", "expected float")]
    [InlineData("""{"greedy": 1}""", "greedy", "expected boolean")]
    [InlineData("""{"prefix": 7}""", "prefix", "expected string")]
    [InlineData("""{"as_of": "yesterday"}""", "as_of", "expected datetime")]
    [InlineData("""{"temperature": [0.1]}""", "temperature", "got a list")]
    [InlineData("""{"stop": "\n"}""", "stop", "expected a list of string (shape [-1])")]
    [InlineData("""{"stop": ["a", 3]}""", "stop", "at index 1")]
    [InlineData("""{"stop": [["a"]]}""", "stop", "at index 0")]
    public void Conform_WrongTypeOrShape_NamesTheParamAndItsExpectedType(string given, string param, string expected)
    {
        var error = Assert.Throws<KeelException>(() => ScoringParams.Conform(Schema, Json(given)));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains($"Param '{param}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_SeveralProblems_ReportsEveryOneInOneError()
    {
        var error = Assert.Throws<KeelException>(() => ScoringParams.Conform(Schema, Json("""{"bogus": 1, "top_k": "x", "greedy": "no"}""")));

        Assert.Contains("'bogus'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Param 'top_k'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Param 'greedy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_TypeKeelCannotCheck_RefusedOnlyWhenGiven()
    {
        var schema = ModelSignature.ParseParams("""[{"name": "blob", "type": "binary", "default": null, "shape": null}]""");

        Assert.Single(ScoringParams.Conform(schema, Json("{}")));
        var error = Assert.Throws<KeelException>(() => ScoringParams.Conform(schema, Json("""{"blob": "AAE="}""")));
        Assert.Contains("a type Keel cannot check", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_ParamsNotAnObject_Refused()
    {
        var error = Assert.Throws<KeelException>(() => ScoringParams.Conform(Schema, Json("[1]")));

        Assert.Contains("'params'", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Value(IReadOnlyList<KeyValuePair<string, JsonElement>> conformed, string name) =>
        conformed.Single(p => p.Key == name).Value;

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
