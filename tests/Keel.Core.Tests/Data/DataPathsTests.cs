using Keel.Core.Common;
using Keel.Core.Data;

namespace Keel.Core.Tests.Data;

public sealed class DataPathsTests
{
    [Theory]
    [InlineData("a.csv")]
    [InlineData("images/cats/1.png")]
    [InlineData(".hidden")]
    [InlineData("..dots-in-a-name..")]
    [InlineData("ünïcødé 名前.txt")]
    public void IsSafeRelative_PlainRelativePaths_AreAccepted(string path)
    {
        Assert.True(DataPaths.IsSafeRelative(path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("a\\b")]
    [InlineData("C:/windows")]
    [InlineData("nul\0byte")]
    public void IsSafeRelative_PathsThatCouldEscape_AreRefused(string? path)
    {
        Assert.False(DataPaths.IsSafeRelative(path));
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => DataPaths.RequireRelative(path, "files[0].path")).Code);
    }

    [Fact]
    public void Join_SafePath_StaysBelowTheRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "keel-root");

        Assert.Equal(Path.Combine(root, "a", "b.csv"), DataPaths.Join(root, "a/b.csv"));
    }

    [Fact]
    public void Join_EscapingPath_IsRefused()
    {
        var error = Assert.Throws<KeelException>(() => DataPaths.Join(Path.GetTempPath(), "../x", "path"));

        Assert.Contains("'../x'", error.Message, StringComparison.Ordinal);
    }
}
