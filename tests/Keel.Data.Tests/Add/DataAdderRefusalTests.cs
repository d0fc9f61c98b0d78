using Keel.Core.Common;
using Keel.Data.Add;
using Keel.Testing;

namespace Keel.Data.Tests.Add;

/// <summary>Every refusal is one clear line, and nothing — no chunk, manifest, pointer or .gitignore — is written.</summary>
public sealed class DataAdderRefusalTests : IDisposable
{
    private readonly TestRepository _repo = new();

    [Fact]
    public void Add_MissingPath_IsNotFound()
    {
        _repo.Write("present.txt", "here");

        var error = Refused("present.txt", "absent.txt");

        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
        Assert.Equal("'absent.txt' does not exist.", error.Message);
    }

    [Fact]
    public void Add_PathOutsideTheRepository_IsRefused()
    {
        using var elsewhere = new TempDirectory("keel-outside");
        File.WriteAllText(Path.Combine(elsewhere.Path, "x.csv"), "1");

        var error = Refused(Path.Combine(elsewhere.Path, "x.csv"));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("is outside the data repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_PathClimbingOutWithDotDot_IsRefused()
    {
        Assert.Contains("is outside the data repository", Refused("../escape.txt").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".keel")]
    [InlineData(".keel/cache")]
    [InlineData(".git")]
    public void Add_KeelOrGitFolder_IsRefused(string path)
    {
        Directory.CreateDirectory(_repo.PathOf(".git"));

        var error = Refused(path);

        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("never tracks its own or git's folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_PointerFile_IsRefused()
    {
        _repo.Write("a.txt", "data");
        _repo.Add("a.txt");
        var objects = _repo.CachedObjectCount;

        var error = Assert.Throws<KeelException>(() => _repo.Add("a.txt.keel"));

        Assert.Equal("'a.txt.keel' is a pointer file; add the data it names instead.", error.Message);
        Assert.Equal(objects, _repo.CachedObjectCount);
        Assert.False(File.Exists(_repo.PathOf("a.txt.keel.keel")));
    }

    [Fact]
    public void Add_FifoInsideAFolder_IsRefusedNamingIt()
    {
        _repo.Write("set/a.txt", "data");
        TestRepository.MakeFifo(_repo.PathOf("set/pipe"));

        var error = Refused("set");

        Assert.Equal("'set/pipe' is not a regular file (a FIFO, socket or device); Keel tracks regular files only.", error.Message);
    }

    [Fact]
    public void Add_SymbolicLink_IsRefused()
    {
        _repo.Write("real.txt", "data");
        File.CreateSymbolicLink(_repo.PathOf("link.txt"), _repo.PathOf("real.txt"));

        Assert.Contains("is a symbolic link", Refused("link.txt").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NameWithBackslash_IsRefusedNamingIt()
    {
        _repo.Write("set/back\\slash.txt", "data");

        Assert.Equal("'set/back\\slash.txt' cannot be tracked: data paths cannot contain '\\' or ':'.", Refused("set").Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_NoWorkers_IsRefused(int workers)
    {
        Assert.Throws<KeelException>(() => new DataAdder(_repo.Repository, new DataAddOptions { MaxDegreeOfParallelism = workers }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("two\nlines")]
    public void Constructor_BadDatasetName_IsRefused(string dataset)
    {
        Assert.Throws<KeelException>(() => new DataAdder(_repo.Repository, new DataAddOptions { Dataset = dataset }));
    }

    public void Dispose() => _repo.Dispose();

    private KeelException Refused(params string[] paths)
    {
        var error = Assert.Throws<KeelException>(() => _repo.Add(paths));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(0, _repo.CachedObjectCount);
        Assert.Empty(Directory.EnumerateFiles(_repo.Root, "*.keel", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(_repo.Root, ".gitignore", SearchOption.AllDirectories));
        return error;
    }
}
