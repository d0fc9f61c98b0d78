using Keel.Core.Common;
using Keel.Core.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelUriTests
{
    [Theory]
    [InlineData("models:/fraud/3", "fraud", 3L)]
    [InlineData("models:/fraud/03", "fraud", 3L)]
    [InlineData("models:/my model@v/12", "my model@v", 12L)]
    public void Parse_VersionForm_ReadsNameAndNumber(string uri, string name, long version)
    {
        var parsed = ModelUri.Parse(uri);

        Assert.Equal(ModelUriKind.Version, parsed.Kind);
        Assert.Equal(name, parsed.ModelName);
        Assert.Equal(version, parsed.Version);
        Assert.Equal(uri, parsed.ToString());
    }

    [Theory]
    [InlineData("models:/fraud@champion", "fraud", "champion")]
    [InlineData("models:/fraud@blue-green_2", "fraud", "blue-green_2")]
    [InlineData("models:/team@fraud@champion", "team@fraud", "champion")]
    public void Parse_AliasForm_SplitsAtLastAt(string uri, string name, string alias)
    {
        var parsed = ModelUri.Parse(uri);

        Assert.Equal(ModelUriKind.Alias, parsed.Kind);
        Assert.Equal(name, parsed.ModelName);
        Assert.Equal(alias, parsed.Alias);
        Assert.Null(parsed.Version);
    }

    [Theory]
    [InlineData("models:/fraud/Production", "Production")]
    [InlineData("models:/fraud/production", "Production")]
    [InlineData("models:/fraud/STAGING", "Staging")]
    [InlineData("models:/fraud/archived", "Archived")]
    [InlineData("models:/fraud/None", "None")]
    public void Parse_StageForm_IsCaseInsensitiveAndCanonical(string uri, string stage)
    {
        var parsed = ModelUri.Parse(uri);

        Assert.Equal(ModelUriKind.Stage, parsed.Kind);
        Assert.Equal("fraud", parsed.ModelName);
        Assert.Equal(stage, parsed.Stage);
    }

    [Theory]
    [InlineData("models:/fraud/latest")]
    [InlineData("models:/fraud/Latest")]
    public void Parse_LatestForm_IsLatest(string uri)
    {
        var parsed = ModelUri.Parse(uri);

        Assert.Equal(ModelUriKind.Latest, parsed.Kind);
        Assert.Equal("fraud", parsed.ModelName);
    }

    [Theory]
    [InlineData("runs:/abc123/model", "abc123", "model")]
    [InlineData("runs:/abc123/model/sub/weights.onnx", "abc123", "model/sub/weights.onnx")]
    [InlineData("runs:/abc123", "abc123", "")]
    public void Parse_RunsForm_ReadsRunAndPath(string uri, string runId, string path)
    {
        var parsed = ModelUri.Parse(uri);

        Assert.Equal(ModelUriKind.Run, parsed.Kind);
        Assert.Equal(runId, parsed.RunId);
        Assert.Equal(path, parsed.Path!.Value);
        Assert.Null(parsed.ModelName);
    }

    [Fact]
    public void Parse_ArtifactsForm_ReadsPath()
    {
        var parsed = ModelUri.Parse("mlflow-artifacts:/0/abc/artifacts/model");

        Assert.Equal(ModelUriKind.Artifacts, parsed.Kind);
        Assert.Equal("0/abc/artifacts/model", parsed.Path!.Value);
        Assert.Null(parsed.RunId);
    }

    [Theory]
    [InlineData("models:/fraud", "needs a version")]
    [InlineData("models:/", "needs a version")]
    [InlineData("models:/fraud/0", "positive integers")]
    [InlineData("models:/fraud/99999999999999999999", "positive integers")]
    [InlineData("models:/fraud/-1", "not a version number")]
    [InlineData("models:/fraud/v3", "not a version number")]
    [InlineData("models:/fraud/Prod", "not a version number")]
    [InlineData("models:/fraud/", "not a version number")]
    [InlineData("models:/fraud/3/model.onnx", "paths below a model version")]
    [InlineData("models://host/fraud/3", "another registry or host")]
    [InlineData("models:/fraud@", "alias must be non-empty")]
    [InlineData("models:/fraud@bad alias", "alias must be non-empty")]
    [InlineData("models:/@champion", "model name must not be blank")]
    [InlineData("models:/ /3", "model name must not be blank")]
    [InlineData("models:/a\\b/3", "model name must not be blank")]
    [InlineData("runs:/", "below the artifact root")]
    [InlineData("runs://host/abc/model", "absolute paths")]
    [InlineData("runs:/abc/../other/model", "'.' and '..'")]
    [InlineData("runs:/abc/%2e%2e/x", "'.' and '..'")]
    [InlineData("mlflow-artifacts:/", "below the artifact root")]
    [InlineData("mlflow-artifacts://evil/x", "absolute paths")]
    [InlineData("mlflow-artifacts:/0/../../x", "'.' and '..'")]
    [InlineData("mlflow-artifacts:/0/%252e%252e/x", "double-encoded")]
    [InlineData("mlflow-artifacts:/0\\x", "backslashes")]
    [InlineData("mlflow-artifacts:/0/x?q=1", "'?' and '#'")]
    [InlineData("mlflow-artifacts:/C:/x", "drive-letter")]
    [InlineData("file:///etc/passwd", "expected 'models:/")]
    [InlineData("/etc/passwd", "expected 'models:/")]
    [InlineData("s3://bucket/model", "expected 'models:/")]
    [InlineData("Models:/fraud/1", "expected 'models:/")]
    public void Parse_Malformed_ThrowsInvalidParameterNamingUriAndRule(string uri, string rule)
    {
        var e = Assert.Throws<KeelException>(() => ModelUri.Parse(uri));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("parameter 'uri'", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Missing_ThrowsNamingUri(string? uri)
    {
        var e = Assert.Throws<KeelException>(() => ModelUri.Parse(uri));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'uri'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlCharacter_IsEscapedInMessage()
    {
        var e = Assert.Throws<KeelException>(() => ModelUri.Parse("models:/a\nb/1"));

        Assert.Contains("\\u000a", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
    }
}
