using System.Text;
using Keel.Core.Common;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;

namespace Keel.Core.Tests.Data;

public sealed class DataManifestTests
{
    private static readonly ChunkRef A = new(ContentHash.Of("a"u8), 3);
    private static readonly ChunkRef B = new(ContentHash.Of("b"u8), 4);

    [Fact]
    public void Constructor_FilesInAnyOrder_AreSortedOrdinally()
    {
        var manifest = new DataManifest(true, [new("b.txt", 3, [A]), new("B.txt", 4, [B]), new("a/z.txt", 0, [])]);

        Assert.Equal(["B.txt", "a/z.txt", "b.txt"], manifest.Files.Select(f => f.Path));
        Assert.Equal((7L, 3), (manifest.TotalSize, manifest.FileCount));
    }

    [Fact]
    public void Hash_SameTreeBuiltInAnotherOrder_IsEqual()
    {
        var one = new DataManifest(true, [new("x", 3, [A]), new("y", 7, [A, B])]);
        var two = new DataManifest(true, [new("y", 7, [A, B]), new("x", 3, [A])]);

        Assert.Equal(one.ComputeHash(), two.ComputeHash());
        Assert.Equal(one.ToCanonicalJson(), two.ToCanonicalJson());
    }

    [Fact]
    public void CanonicalJson_ParsesBackToAnEqualManifest()
    {
        var manifest = new DataManifest(false, [new("train.csv", 7, [A, B])]);

        var parsed = DataManifest.Parse(manifest.ToCanonicalJson());

        Assert.False(parsed.IsDirectory);
        Assert.Equal(manifest.ComputeHash(), parsed.ComputeHash());
        Assert.Equal([A, B], parsed.Files[0].Chunks);
        Assert.Equal([A.Hash, B.Hash], parsed.ChunkHashes());
    }

    [Fact]
    public void CanonicalJson_HasAFixedShape()
    {
        var json = Encoding.UTF8.GetString(new DataManifest(false, [new("f", 3, [A])]).ToCanonicalJson());

        Assert.Equal($"{{\"version\":1,\"kind\":\"file\",\"files\":[{{\"path\":\"f\",\"size\":3,\"chunks\":[{{\"h\":\"{A.Hash}\",\"n\":3}}]}}]}}", json);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/abs")]
    [InlineData("a\\b")]
    public void Constructor_EscapingPath_IsRefused(string path)
    {
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => new DataManifest(true, [new(path, 3, [A])])).Code);
    }

    [Fact]
    public void Constructor_SizeNotTheSumOfItsChunks_IsRefused()
    {
        Assert.Contains("add up to 3", Assert.Throws<KeelException>(() => new DataManifest(true, [new("f", 4, [A])])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicatePath_IsRefused()
    {
        Assert.Contains("twice", Assert.Throws<KeelException>(() => new DataManifest(true, [new("f", 3, [A]), new("f", 3, [A])])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SingleFileManifestWithTwoFiles_IsRefused()
    {
        Assert.Throws<KeelException>(() => new DataManifest(false, [new("f", 3, [A]), new("g", 4, [B])]));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"version\":2,\"kind\":\"file\",\"files\":[]}")]
    [InlineData("{\"version\":1,\"kind\":\"folder\",\"files\":[]}")]
    [InlineData("{\"version\":1,\"kind\":\"directory\",\"files\":[{\"size\":0}]}")]
    [InlineData("{\"version\":1,\"kind\":\"directory\",\"files\":[{\"path\":\"f\",\"size\":1,\"chunks\":[{\"h\":\"zz\",\"n\":1}]}]}")]
    [InlineData("{\"version\":1,\"kind\":\"directory\",\"files\":[{\"path\":\"f\",\"size\":0,\"chunks\":[{\"h\":\"" + "0000000000000000000000000000000000000000000000000000000000000000" + "\",\"n\":0}]}]}")]
    public void Parse_Malformed_IsRefused(string json)
    {
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => DataManifest.Parse(Encoding.UTF8.GetBytes(json))).Code);
    }
}
