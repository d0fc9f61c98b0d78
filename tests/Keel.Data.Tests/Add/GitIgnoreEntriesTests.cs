using Keel.Data.Add;
using Keel.Testing;

namespace Keel.Data.Tests.Add;

public sealed class GitIgnoreEntriesTests : IDisposable
{
    private readonly TempDirectory _folder = new("keel-gitignore");

    [Fact]
    public void Ensure_NoGitIgnore_CreatesOne()
    {
        GitIgnoreEntries.Ensure(_folder.Path, "train.csv");

        Assert.Equal("/train.csv\n", Read());
    }

    [Fact]
    public void Ensure_ExistingFileWithoutFinalNewline_AppendsOnItsOwnLine()
    {
        File.WriteAllText(Path.Combine(_folder.Path, ".gitignore"), "bin/\r\nobj/");

        GitIgnoreEntries.Ensure(_folder.Path, "data");
        GitIgnoreEntries.Ensure(_folder.Path, "data");

        Assert.Equal("bin/\r\nobj/\n/data\n", Read());
    }

    [Fact]
    public void Ensure_EntryAlreadyListedWithCrLf_IsNotRepeated()
    {
        File.WriteAllText(Path.Combine(_folder.Path, ".gitignore"), "/data\r\n");

        GitIgnoreEntries.Ensure(_folder.Path, "data");

        Assert.Equal("/data\r\n", Read());
    }

    [Theory]
    [InlineData("plain.csv", "plain.csv")]
    [InlineData("#notes", "#notes")]
    [InlineData("!bang", "!bang")]
    [InlineData("a*b?[c].txt", "a\\*b\\?\\[c\\].txt")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("trailing  ", "trailing\\ \\ ")]
    public void Escape_GlobCharactersAndTrailingSpaces_AreQuoted(string name, string escaped)
    {
        Assert.Equal(escaped, GitIgnoreEntries.Escape(name));
    }

    public void Dispose() => _folder.Dispose();

    private string Read() => File.ReadAllText(Path.Combine(_folder.Path, ".gitignore"));
}
