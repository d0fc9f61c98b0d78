using Keel.Cli;
using Keel.Data.Repository;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel data add</c> and <c>keel data status</c> through the real command tree, in a repository of their own.</summary>
public sealed class DataAddStatusCommandsTests : IDisposable
{
    private readonly TempDirectory _repo = new("keel-cli-data");

    public DataAddStatusCommandsTests()
    {
        Directory.CreateDirectory(Path.Combine(_repo.Path, DataRepository.KeelFolder));
        Write("data/train.csv", string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},{i * i % 97},label{i % 3}\n")));
        Write("images/a.bin", new string('a', 5000));
        Write("images/sub/b.bin", "b");
    }

    [Fact]
    public async Task AddThenStatus_UnchangedData_ReportsPointersAndIsClean()
    {
        var added = await Keel("data", "add", "data/train.csv", "images", "--avg-chunk-size", "4KiB", "--jobs", "2", "--dataset", "demo");

        Assert.Equal(0, added.ExitCode);
        Assert.Empty(added.Stderr);
        Assert.Contains("Wrote data/train.csv.keel: ", added.Stdout, StringComparison.Ordinal);
        Assert.Contains("Wrote images.keel: 4.9 KiB in 2 files; ", added.Stdout, StringComparison.Ordinal);
        Assert.Contains("dataset: 'demo'", File.ReadAllText(PathOf("data/train.csv.keel")), StringComparison.Ordinal);
        Assert.Equal("/images\n", File.ReadAllText(PathOf(".gitignore")));

        var status = await Keel("data", "status");

        Assert.Equal(0, status.ExitCode);
        Assert.Contains("unchanged  data/train.csv", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("unchanged  images", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("All 2 tracked items match their pointers.", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AfterChanges_ListsThemAndStillExitsZero()
    {
        Assert.Equal(0, (await Keel("data", "add", "images", "data/train.csv")).ExitCode);
        File.AppendAllText(PathOf("images/a.bin"), "more");
        File.Delete(PathOf("images/sub/b.bin"));
        Write("images/c.bin", "new");
        File.Delete(PathOf("data/train.csv"));

        var status = await Keel("data", "status");
        var json = await Keel("data", "status", "images", "--output", "json");

        Assert.Equal(0, status.ExitCode);
        Assert.Contains("missing    data/train.csv", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("modified   images", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("added:     c.bin", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("modified:  a.bin", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("removed:   sub/b.bin", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 of 2 tracked items differ from their pointers.", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        Assert.False(json.Json["clean"]!.GetValue<bool>());
        var item = Assert.Single(json.Json["items"]!.AsArray());
        Assert.Equal(("images", "modified"), (item!["path"]!.GetValue<string>(), item["state"]!.GetValue<string>()));
        Assert.Equal(["a.bin:modified", "c.bin:added", "sub/b.bin:removed"], item["changes"]!.AsArray().Select(c => $"{c!["path"]}:{c["change"]}"));
    }

    [Fact]
    public async Task Add_OnATerminal_DrawsProgressAndStillPrintsTheSummary()
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var terminal = KeelCommandLine.Host(stdout, stderr, workingDirectory: _repo.Path) with { IsTerminal = true };

        var exitCode = await KeelCli.RunAsync(["data", "add", "images"], terminal, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.Text);
        Assert.Contains("Wrote images.keel: ", stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_JsonOutput_DescribesEachPointer()
    {
        var added = await Keel("data", "add", "images", "--output", "json");

        Assert.Equal(0, added.ExitCode);
        var item = Assert.Single(added.Json["added"]!.AsArray())!;
        Assert.Equal("images.keel", item["pointer"]!.GetValue<string>());
        Assert.Equal((2L, 5001L, 5001L), (item["files"]!.GetValue<long>(), item["size"]!.GetValue<long>(), item["bytes_hashed"]!.GetValue<long>()));
        Assert.Equal(64, item["manifest"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task Add_MissingPath_OneErrorLineAndNothingWritten()
    {
        var added = await Keel("data", "add", "images", "nope.csv");

        Assert.Equal(1, added.ExitCode);
        Assert.Equal("error: 'nope.csv' does not exist.", Assert.Single(added.StderrLines));
        Assert.Empty(ObjectHashes());
        Assert.False(File.Exists(PathOf("images.keel")));
    }

    [Fact]
    public async Task Add_PathOutsideTheRepository_OneErrorLine()
    {
        using var elsewhere = new TempDirectory("keel-cli-outside");
        var file = Path.Combine(elsewhere.Path, "x.csv");
        File.WriteAllText(file, "1,2\n");

        var added = await Keel("data", "add", file);

        Assert.Equal(1, added.ExitCode);
        var line = Assert.Single(added.StderrLines);
        Assert.StartsWith($"error: '{file}' is outside the data repository at ", line, StringComparison.Ordinal);
        Assert.Empty(ObjectHashes());
    }

    [Fact]
    public async Task Add_PointerFileItself_OneErrorLine()
    {
        Assert.Equal(0, (await Keel("data", "add", "images")).ExitCode);

        var added = await Keel("data", "add", "images.keel");

        Assert.Equal(1, added.ExitCode);
        Assert.Equal("error: 'images.keel' is a pointer file; add the data it names instead.", Assert.Single(added.StderrLines));
    }

    [Theory]
    [InlineData("--avg-chunk-size", "12parsecs")]
    [InlineData("--avg-chunk-size", "16")]
    [InlineData("--jobs", "0")]
    public async Task Add_BadOption_IsAUsageError(string option, string value)
    {
        var added = await Keel("data", "add", "images", option, value);

        Assert.Equal(2, added.ExitCode);
        Assert.Contains(option, Assert.Single(added.StderrLines), StringComparison.Ordinal);
        Assert.Empty(ObjectHashes());
    }

    [Fact]
    public async Task Status_HandEditedPointerWithBadHash_OneErrorLineAndCacheIntact()
    {
        Assert.Equal(0, (await Keel("data", "add", "data/train.csv")).ExitCode);
        var objects = ObjectHashes();
        var pointer = PathOf("data/train.csv.keel");
        var text = File.ReadAllText(pointer);
        var hash = DataRepository.Open(_repo.Path).ReadPointer(pointer).Spec.Manifest;
        File.WriteAllText(pointer, text.Replace(hash, hash[..^1] + "Z", StringComparison.Ordinal));

        var status = await Keel("data", "status");

        Assert.Equal(1, status.ExitCode);
        var line = Assert.Single(status.StderrLines);
        Assert.Equal($"error: pointer file 'data/train.csv.keel': manifest '{hash[..^1]}Z' is not a SHA-256 hash of 64 lowercase hex digits (truncated or edited?).", line);
        AssertCacheIntact(objects);
    }

    [Fact]
    public async Task Status_TruncatedPointer_OneErrorLineAndCacheIntact()
    {
        Assert.Equal(0, (await Keel("data", "add", "images")).ExitCode);
        var objects = ObjectHashes();
        var pointer = PathOf("images.keel");
        File.WriteAllText(pointer, File.ReadAllText(pointer)[..^20]);

        var status = await Keel("data", "status");
        var readded = await Keel("data", "add", "images");

        Assert.Equal(1, status.ExitCode);
        Assert.StartsWith("error: pointer file 'images.keel': ", Assert.Single(status.StderrLines), StringComparison.Ordinal);
        AssertCacheIntact(objects);
        // Adding the data again is how a broken pointer is repaired.
        Assert.Equal(0, readded.ExitCode);
        Assert.Equal(0, (await Keel("data", "status")).ExitCode);
    }

    [Fact]
    public async Task Status_ManifestMissingFromCache_SaysToPullAndExitsZero()
    {
        var added = await Keel("data", "add", "images", "--output", "json");
        var manifest = added.Json["added"]![0]!["manifest"]!.GetValue<string>();
        DataRepository.Open(_repo.Path).Cache.Delete(manifest);

        var status = await Keel("data", "status");

        Assert.Equal(0, status.ExitCode);
        Assert.Contains("unknown    images  (manifest not in cache, run 'keel data pull')", status.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _repo.Dispose();

    private async Task<CliResult> Keel(params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var exitCode = await KeelCli.RunAsync(args, KeelCommandLine.Host(stdout, stderr, workingDirectory: _repo.Path), TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.Text, stderr.Text);
    }

    private string PathOf(string relative) => Path.Combine(_repo.Path, relative);

    private void Write(string relative, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), content);
        // Older than any stat cache written by the test, so racy-git protection does not distrust it.
        File.SetLastWriteTimeUtc(PathOf(relative), File.GetLastWriteTimeUtc(PathOf(relative)).AddHours(-1));
    }

    private string[] ObjectHashes() => [.. DataRepository.Open(_repo.Path).Cache.EnumerateHashes().Order(StringComparer.Ordinal)];

    private void AssertCacheIntact(string[] before)
    {
        var cache = DataRepository.Open(_repo.Path).Cache;
        Assert.Equal(before, ObjectHashes());
        Assert.All(before, hash => cache.ReadVerified(hash));
    }
}
