using Keel.Core.Artifacts;
using Keel.Core.Common;

namespace Keel.Core.Tests.Artifacts;

public class ArtifactPathTests
{
    [Theory]
    [InlineData("model.onnx", "model.onnx")]
    [InlineData("model/MLmodel", "model/MLmodel")]
    [InlineData("a/b/c/d.txt", "a/b/c/d.txt")]
    [InlineData("a//b", "a/b")]
    [InlineData("dir/", "dir")]
    [InlineData("a///b//", "a/b")]
    [InlineData("..a/b..", "..a/b..")]
    [InlineData(".hidden/file.", ".hidden/file.")]
    [InlineData("100%.txt", "100%.txt")]
    [InlineData("100%zz", "100%zz")]
    [InlineData("a b/c+d=e&f", "a b/c+d=e&f")]
    [InlineData("日本語/ファイル.txt", "日本語/ファイル.txt")]
    [InlineData("time:12", "time:12")]
    public void Parse_ValidPath_IsNormalized(string raw, string expected) =>
        Assert.Equal(expected, ArtifactPath.Parse(raw, "path").Value);

    [Theory]
    [InlineData("..", "'.' and '..'")]
    [InlineData("../etc/passwd", "'.' and '..'")]
    [InlineData("a/../../b", "'.' and '..'")]
    [InlineData("a/..", "'.' and '..'")]
    [InlineData(".", "'.' and '..'")]
    [InlineData("a/./b", "'.' and '..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("/", "absolute")]
    [InlineData("//server/share", "absolute")]
    [InlineData("C:", "drive-letter")]
    [InlineData("C:/Windows", "drive-letter")]
    [InlineData("c:file", "drive-letter")]
    [InlineData("a\\b", "backslashes")]
    [InlineData("..\\..\\x", "backslashes")]
    [InlineData("%2e%2e/x", "double-encoded")]
    [InlineData("%2E%2E/x", "double-encoded")]
    [InlineData("a/%2e%2e", "double-encoded")]
    [InlineData("a%2Fb", "double-encoded")]
    [InlineData("%41", "double-encoded")]
    [InlineData("a?b", "'?' and '#'")]
    [InlineData("a#b", "'?' and '#'")]
    [InlineData("file.txt?x=1", "'?' and '#'")]
    [InlineData("a\0b", "control characters")]
    [InlineData("a\nb", "control characters")]
    [InlineData("a\u007fb", "control characters")]
    [InlineData("a\u0085b", "control characters")]
    public void Parse_UnsafePath_ThrowsNamingFieldAndRule(string raw, string rule)
    {
        var e = Assert.Throws<KeelException>(() => ArtifactPath.Parse(raw, "artifact_path"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'artifact_path'", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlCharacter_IsEscapedInMessage()
    {
        var e = Assert.Throws<KeelException>(() => ArtifactPath.Parse("a\u001bb", "path"));
        Assert.Contains("a\\u001bb", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//")]
    public void Parse_EmptyPath_ThrowsBecauseRootIsNotAFile(string? raw)
    {
        var e = Assert.Throws<KeelException>(() => ArtifactPath.Parse(raw, "path"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ParseDirectory_Empty_IsRoot(string? raw)
    {
        var path = ArtifactPath.ParseDirectory(raw, "path");
        Assert.True(path.IsRoot);
        Assert.Same(ArtifactPath.Root, path);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("..")]
    [InlineData("a/../..")]
    [InlineData("a%252e")]
    public void ParseDirectory_UnsafePath_Throws(string raw) =>
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => ArtifactPath.ParseDirectory(raw, "path")).Code);

    [Theory]
    [InlineData("model/MLmodel", "model/MLmodel")]
    [InlineData("a%20b.txt", "a b.txt")]
    [InlineData("dir%2Ffile", "dir/file")]
    [InlineData("100%25.txt", "100%.txt")]
    [InlineData("%E6%97%A5.txt", "日.txt")]
    public void ParseEncoded_ValidPath_DecodesOnce(string encoded, string expected) =>
        Assert.Equal(expected, ArtifactPath.ParseEncoded(encoded, "path", allowRoot: false).Value);

    [Theory]
    [InlineData("../x", "'.' and '..'")]
    [InlineData("a/../b", "'.' and '..'")]
    [InlineData("%2e%2e/x", "'.' and '..'")]
    [InlineData("%2E%2E/x", "'.' and '..'")]
    [InlineData("a/%2e%2e/%2e%2e/x", "'.' and '..'")]
    [InlineData(".%2e/x", "'.' and '..'")]
    [InlineData("%2e/x", "'.' and '..'")]
    [InlineData("a%2F..%2Fb", "'.' and '..'")]
    [InlineData("%252e%252e/x", "double-encoded")]
    [InlineData("%252E%252E%252Fx", "double-encoded")]
    [InlineData("%25252e", "double-encoded")]
    [InlineData("a%5cb", "backslashes")]
    [InlineData("a%5Cb", "backslashes")]
    [InlineData("a%23b", "'?' and '#'")]
    [InlineData("a%3fb", "'?' and '#'")]
    [InlineData("a%00b", "control characters")]
    [InlineData("%2Fetc%2Fpasswd", "absolute")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("C%3A/x", "drive-letter")]
    public void ParseEncoded_UnsafePath_Throws(string encoded, string rule)
    {
        var e = Assert.Throws<KeelException>(() => ArtifactPath.ParseEncoded(encoded, "path", allowRoot: false));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEncoded_EmptyWithoutRoot_Throws() =>
        Assert.Throws<KeelException>(() => ArtifactPath.ParseEncoded("", "path", allowRoot: false));

    [Fact]
    public void ParseEncoded_EmptyWithRoot_IsRoot() =>
        Assert.True(ArtifactPath.ParseEncoded("", "path", allowRoot: true).IsRoot);

    [Fact]
    public void Parts_OfNestedPath_AreSegmentsNameAndParent()
    {
        var path = ArtifactPath.Parse("model/data/weights.bin", "path");
        Assert.Equal(["model", "data", "weights.bin"], path.Segments);
        Assert.Equal("weights.bin", path.Name);
        Assert.Equal("model/data", path.Parent.Value);
        Assert.True(ArtifactPath.Parse("top", "path").Parent.IsRoot);
        Assert.Empty(ArtifactPath.Root.Segments);
    }

    [Fact]
    public void Equality_SameNormalizedValue_IsEqual()
    {
        Assert.Equal(ArtifactPath.Parse("a//b/", "path"), ArtifactPath.Parse("a/b", "path"));
        Assert.NotEqual(ArtifactPath.Parse("a/b", "path"), ArtifactPath.Parse("a/B", "path"));
    }

    [Fact]
    public void Append_JoinsAndKeepsRootNeutral()
    {
        var run = ArtifactPath.Parse("0/abc/artifacts", "path");
        var child = ArtifactPath.Parse("model/MLmodel", "path");
        Assert.Equal("0/abc/artifacts/model/MLmodel", run.Append(child).Value);
        Assert.Equal(run, run.Append(ArtifactPath.Root));
        Assert.Equal(child, ArtifactPath.Root.Append(child));
    }

    [Fact]
    public void RelativeTo_Ancestor_GivesRest()
    {
        var run = ArtifactPath.Parse("0/abc/artifacts", "path");
        Assert.Equal("model/MLmodel", ArtifactPath.Parse("0/abc/artifacts/model/MLmodel", "path").RelativeTo(run).Value);
        Assert.True(run.RelativeTo(run).IsRoot);
        Assert.Equal(run, run.RelativeTo(ArtifactPath.Root));
    }

    [Fact]
    public void IsUnder_SiblingWithSamePrefix_IsFalse()
    {
        var run = ArtifactPath.Parse("0/abc", "path");
        Assert.False(ArtifactPath.Parse("0/abcd/x", "path").IsUnder(run));
        Assert.True(ArtifactPath.Parse("0/abc/x", "path").IsUnder(run));
        Assert.Throws<ArgumentException>(() => ArtifactPath.Parse("0/abcd", "path").RelativeTo(run));
    }
}
