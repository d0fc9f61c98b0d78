using Keel.Core.Common;
using Keel.Core.Data.Chunking;
using Keel.Data.Add;
using Keel.Data.StatCache;

namespace Keel.Data.Tests.Add;

/// <summary>Files that change under the adder between listing and reading.</summary>
public sealed class FileHasherTests : IDisposable
{
    private readonly TestRepository _repo = new();

    [Fact]
    public void Hash_FileDeletedAfterListing_IsNotFoundNamingIt()
    {
        var file = Listed("gone.txt", "soon gone");
        File.Delete(file.FullPath);

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, _ => { }));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal("'gone.txt' disappeared while being added; run the add again.", error.Message);
    }

    [Fact]
    public void Hash_FileRewrittenAfterListing_IsRefused()
    {
        var file = Listed("busy.txt", "first version");
        File.WriteAllText(file.FullPath, "second, longer version");

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, _ => { }));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("'busy.txt' changed while being added", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_FolderInPlaceOfTheFile_IsOneLineNamingIt()
    {
        var file = Listed("was-a-file", "x");
        File.Delete(file.FullPath);
        Directory.CreateDirectory(file.FullPath);

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, _ => { }));

        Assert.StartsWith("Cannot read 'was-a-file': ", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();

    private FileHasher Hasher() => new(new ContentDefinedChunker(TestRepository.SmallChunks), _repo.Repository.Cache);

    private WorkingFile Listed(string name, string content)
    {
        var path = _repo.Write(name, content);
        return Assert.Single(WorkingTree.List(_repo.Repository, path, FileKind.Regular));
    }
}
