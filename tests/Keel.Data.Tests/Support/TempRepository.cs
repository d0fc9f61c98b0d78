using Keel.Data.Repository;
using Keel.Testing;

namespace Keel.Data.Tests.Support;

/// <summary>A data repository in a fresh temp folder (with <c>.keel</c>, so discovery stops there), removed on dispose.</summary>
internal sealed class TempRepository : IDisposable
{
    private readonly TempDirectory _directory = new("keel-data");

    public TempRepository()
    {
        Repository = DataRepository.Open(_directory.Path);
    }

    public DataRepository Repository { get; }

    public string Root => Repository.Root;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Dispose() => _directory.Dispose();
}
