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

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, previous: null, _ => { }));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal("'gone.txt' disappeared while being added; run the add again.", error.Message);
    }

    [Fact]
    public void Hash_FileRewrittenAfterListing_IsRefused()
    {
        var file = Listed("busy.txt", "first version");
        File.WriteAllText(file.FullPath, "second, longer version");

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, previous: null, _ => { }));

        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("'busy.txt' changed while being added", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_FolderInPlaceOfTheFile_IsOneLineNamingIt()
    {
        var file = Listed("was-a-file", "x");
        File.Delete(file.FullPath);
        Directory.CreateDirectory(file.FullPath);

        var error = Assert.Throws<KeelException>(() => Hasher().Hash(file, previous: null, _ => { }));

        Assert.StartsWith("Cannot read 'was-a-file': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_LargeFileOnSeveralWorkers_GivesTheSameChunksInOrderAsOneWorker()
    {
        // Above the parallel threshold (16 MiB), with small chunks so hundreds are in flight out of order.
        var content = new byte[(16 << 20) + 12345];
        new Random(7).NextBytes(content);
        var path = _repo.PathOf("large.bin");
        File.WriteAllBytes(path, content);
        var file = Assert.Single(WorkingTree.List(_repo.Repository, path, FileKind.Regular));
        var chunker = new ContentDefinedChunker(new ChunkerOptions(16 << 10, 64 << 10, 256 << 10));
        long reported = 0;

        var parallel = new FileHasher(chunker, _repo.Repository.Cache, workers: 4).Hash(file, previous: null, n => Interlocked.Add(ref reported, n));
        var sequential = new FileHasher(chunker, _repo.Repository.Cache, workers: 1).Hash(file, previous: null, _ => { });

        Assert.Equal(sequential.Chunks, parallel.Chunks);
        Assert.Equal(content.Length, parallel.Chunks.Sum(c => c.Size));
        Assert.Equal(content.Length, reported);
        Assert.Equal(parallel.Chunks.Select(c => c.Hash).Distinct().Count(), parallel.NewChunks);
        Assert.Equal(0, sequential.NewChunks);
    }

    public void Dispose() => _repo.Dispose();

    private FileHasher Hasher() => new(new ContentDefinedChunker(TestRepository.SmallChunks), _repo.Repository.Cache);

    private WorkingFile Listed(string name, string content)
    {
        var path = _repo.Write(name, content);
        return Assert.Single(WorkingTree.List(_repo.Repository, path, FileKind.Regular));
    }
}
