using Keel.Core.Common;
using Keel.Core.Data;

namespace Keel.Core.Tests.Data;

public sealed class DataPointerTests
{
    private static readonly string Hash = ContentHash.Of("manifest"u8);

    [Theory]
    [InlineData("train.csv", false, 1048576L, 1L, null)]
    [InlineData("images", true, 0L, 0L, "cats & dogs")]
    [InlineData("it's #odd [name] ", true, 12L, 3L, "o'brien")]
    [InlineData("007", false, 5L, 1L, "42")]
    public void ToYamlThenParse_RoundTrips(string path, bool isDirectory, long size, long files, string? dataset)
    {
        var pointer = new DataPointer(path, isDirectory, Hash, size, files, dataset);

        Assert.Equal(pointer, DataPointer.Parse(pointer.ToYaml(), "p"));
    }

    [Fact]
    public void ToYaml_IsTheDocumentedFormat()
    {
        var yaml = new DataPointer("train.csv", false, Hash, 10, 1, "demo").ToYaml();

        Assert.EndsWith($"keel_data: 1\npath: 'train.csv'\nkind: file\nmanifest: '{Hash}'\nsize: 10\nfiles: 1\ndataset: 'demo'\n", yaml, StringComparison.Ordinal);
        Assert.StartsWith("# Keel data pointer", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HandWrittenUnquotedValues_AreRead()
    {
        var yaml = $"keel_data: 1\npath: train.csv\nkind: file\nmanifest: {Hash}\nsize: 10\nfiles: 1\ndataset: demo\n";

        Assert.Equal(new DataPointer("train.csv", false, Hash, 10, 1, "demo"), DataPointer.Parse(yaml, "p"));
    }

    [Theory]
    [InlineData("", "is not a Keel pointer file")]
    [InlineData("just text", "is not a Keel pointer file")]
    [InlineData("keel_data: 2\npath: a\nkind: file\nmanifest: {h}\nsize: 1\nfiles: 1\n", "keel_data is 2")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: {h}\nsize: 1\n", "'files' is missing")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: {h}\nsize: 1\nfiles: 1\nextra: x\n", "unknown key 'extra'")]
    [InlineData("keel_data: 1\npath: ../a\nkind: file\nmanifest: {h}\nsize: 1\nfiles: 1\n", "must be a plain file or folder name")]
    [InlineData("keel_data: 1\npath: sub/a\nkind: file\nmanifest: {h}\nsize: 1\nfiles: 1\n", "must be a plain file or folder name")]
    [InlineData("keel_data: 1\npath: a\nkind: link\nmanifest: {h}\nsize: 1\nfiles: 1\n", "kind 'link'")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: 3f1c\nsize: 1\nfiles: 1\n", "manifest '3f1c' is not a SHA-256")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: {h}\nsize: -1\nfiles: 1\n", "'size' must be a whole number")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: {h}\nsize: 1\nfiles: 2\n", "not possible for a file")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: {h}\nsize: 1.5\nfiles: 1\n", "'size'")]
    [InlineData("keel_data: 1\npath: a\nkind: file\nmanifest: [{h}]\nsize: 1\nfiles: 1\n", "'manifest' is missing or empty")]
    public void Parse_MalformedPointer_IsOneLineNamingTheFile(string yaml, string expected)
    {
        var error = Assert.Throws<KeelException>(() => DataPointer.Parse(yaml.Replace("{h}", Hash, StringComparison.Ordinal), "pointer file 'a.keel'"));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.StartsWith("pointer file 'a.keel'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_TruncatedPointer_IsRefused()
    {
        var yaml = new DataPointer("train.csv", false, Hash, 10, 1).ToYaml();

        var error = Assert.Throws<KeelException>(() => DataPointer.Parse(yaml[..^12], "pointer file 'train.csv.keel'"));

        Assert.Contains("truncated or edited?", error.Message, StringComparison.Ordinal);
    }
}
