using System.Diagnostics;
using Keel.Core.Data;
using Keel.Core.Data.Chunking;
using Keel.Core.Data.Manifests;
using Keel.Data.Add;
using Keel.Data.Repository;
using Keel.Testing;

namespace Keel.Data.Tests.Add;

/// <summary>A data repository in its own temp folder (with a <c>.keel</c> folder marking the root), removed on dispose.</summary>
internal sealed class TestRepository : IDisposable
{
    // Small chunks so a few hundred KB of test data spans many of them.
    public static readonly ChunkerOptions SmallChunks = new(256, 1024, 4096);

    private readonly TempDirectory _folder = new("keel-data");

    public TestRepository()
    {
        Directory.CreateDirectory(System.IO.Path.Combine(_folder.Path, DataRepository.KeelFolder));
        Repository = DataRepository.Open(_folder.Path);
    }

    public string Root => Repository.Root;

    public DataRepository Repository { get; }

    public string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Writes a file with the given bytes and a last-write time an hour ago, so the stat cache trusts it.</summary>
    public string Write(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        Backdate(path);
        return path;
    }

    public string Write(string relative, string content) => Write(relative, System.Text.Encoding.UTF8.GetBytes(content));

    // Racy-git protection distrusts files written in the same clock tick as the stat cache; tests are that fast.
    public static void Backdate(string path, int minutes = 60) =>
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddMinutes(-minutes));

    public IReadOnlyList<DataAddResult> Add(params string[] paths) => Add(new DataAddOptions { Chunker = SmallChunks }, paths);

    public IReadOnlyList<DataAddResult> Add(DataAddOptions options, params string[] paths) =>
        new DataAdder(Repository, options).Add(paths, Root);

    public DataPointer ReadPointer(string relativePointer) => Repository.ReadPointer(PathOf(relativePointer)).Spec;

    public DataManifest ReadManifest(string hash) => DataManifest.Parse(Repository.Cache.ReadVerified(hash));

    /// <summary>A file's bytes rebuilt from its chunks in the cache.</summary>
    public byte[] Restore(ManifestFile file) => file.Chunks.SelectMany(c => Repository.Cache.ReadVerified(c.Hash)).ToArray();

    public int CachedObjectCount => Repository.Cache.EnumerateHashes().Count();

    public static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose() => _folder.Dispose();
}
