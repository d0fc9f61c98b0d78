using System.Diagnostics;
using System.Text;
using Keel.Cli;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Repository;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel data checkout|diff|gc</c> through the real command tree, on a repository in a temp folder.</summary>
public sealed class DataCheckoutDiffGcCommandsTests : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly TempDirectory _root = new("keel-e2e-data");
    private readonly DataRepository _repository;

    public DataCheckoutDiffGcCommandsTests()
    {
        _repository = DataRepository.Open(_root.Path);
    }

    public void Dispose() => _root.Dispose();

    private string PathOf(string relative) => Path.Combine(_root.Path, relative);

    [Fact]
    public async Task Checkout_DeletedWorkingCopy_RestoresByteIdenticalTree()
    {
        WriteSample(PathOf("data"));
        Track(PathOf("data"));
        var before = Snapshot(PathOf("data"));
        Directory.Delete(PathOf("data"), recursive: true);

        var result = await RunAsync("data", "checkout");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before, Snapshot(PathOf("data")));
        Assert.Equal(0, new FileInfo(PathOf("data/empty.txt")).Length);
        Assert.Contains("Restored 5 files", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("data/日本語/ファイル.txt", result.Stdout, StringComparison.Ordinal);

        var again = await RunAsync("data", "checkout", "data", "--output", "json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(0, (int)again.Json["restored_files"]!);
        Assert.Equal(5, (int)again.Json["unchanged_files"]!);
    }

    [Fact]
    public async Task Checkout_FlippedByteInCachedChunk_FailsNamingFileAndChunkWithoutHalfWrittenFile()
    {
        WriteSample(PathOf("data"));
        var manifest = Track(PathOf("data"));
        var bad = manifest.Files.Single(f => f.Path == "big.bin").Chunks[3].Hash;
        var objectPath = _repository.Cache.PathOf(bad);
        var bytes = File.ReadAllBytes(objectPath);
        bytes[10] ^= 0x40;
        File.WriteAllBytes(objectPath, bytes);
        File.Delete(PathOf("data/big.bin"));

        var result = await RunAsync("data", "checkout");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: Cannot read 'data/big.bin': its chunk " + bad + " is corrupt", line, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("data/big.bin")));
        Assert.DoesNotContain(Directory.EnumerateFiles(PathOf("data")), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gc_KeepsReferencedAndDropsUnreferenced()
    {
        File.WriteAllBytes(PathOf("kept.bin"), Random(ChunkSize * 2 + 5, seed: 1));
        var kept = Track(PathOf("kept.bin"));
        File.WriteAllBytes(PathOf("dropped.bin"), Random(ChunkSize + 5, seed: 2));
        Track(PathOf("dropped.bin"));
        File.Delete(PathOf("dropped.bin.keel"));
        var keptObjects = kept.ChunkHashes().Append(Pointer("kept.bin").Manifest).ToHashSet();

        var dryRun = await RunAsync("data", "gc", "--dry-run", "--grace-minutes", "0");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("Would remove 3 objects", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Equal(keptObjects.Count + 3, _repository.Cache.EnumerateHashes().Count());

        var collected = await RunAsync("data", "gc", "--grace-minutes", "0", "--output", "json");

        Assert.True(collected.ExitCode == 0, collected.ToString());
        Assert.Equal(3, (int)collected.Json["removed_objects"]!);
        Assert.Equal(keptObjects, _repository.Cache.EnumerateHashes().ToHashSet());
    }

    [Fact]
    public async Task Gc_DefaultGracePeriod_KeepsFreshUnreferencedObjects()
    {
        File.WriteAllBytes(PathOf("fresh.bin"), [1, 2, 3]);
        Track(PathOf("fresh.bin"));
        File.Delete(PathOf("fresh.bin.keel"));

        var result = await RunAsync("data", "gc");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Removed 0 objects", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, _repository.Cache.EnumerateHashes().Count());
    }

    [Fact]
    public async Task Diff_CommittedVersionAgainstWorkingPointer_ListsChangesAsTableAndJson()
    {
        WriteSample(PathOf("data"));
        var v1 = Track(PathOf("data"));
        Git("init", "-q");
        Git("add", "data.keel");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1");
        File.Delete(PathOf("data/empty.txt"));
        File.AppendAllText(PathOf("data/a/b/c/deep.csv"), "3,4\n");
        File.WriteAllText(PathOf("data/new.txt"), "new");
        var big = File.ReadAllBytes(PathOf("data/big.bin"));
        big[^1] ^= 1;
        File.WriteAllBytes(PathOf("data/big.bin"), big);
        Track(PathOf("data"));

        var table = await RunAsync("data", "diff", "HEAD:data.keel", "data");
        var json = await RunAsync("data", "diff", "HEAD:data.keel", "data.keel", "--output", "json");
        var byHash = await RunAsync("data", "diff", ContentHash.Of(v1.ToCanonicalJson()), "data");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1 added, 1 removed, 2 modified, 2 unchanged", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("a/b/c/deep.csv", table.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("new.txt", (string?)json.Json["added"]![0]!["path"]);
        Assert.Equal("empty.txt", (string?)json.Json["removed"]![0]!["path"]);
        var modified = json.Json["modified"]!.AsArray().Select(m => (string?)m!["path"]).ToArray();
        Assert.Equal(["a/b/c/deep.csv", "big.bin"], modified);
        // Only big.bin's last chunk changed: its first four 64 KiB chunks are shared.
        Assert.Equal(4L * ChunkSize, (long)json.Json["modified"]![1]!["shared_bytes"]!);
        Assert.Equal(table.Stdout, byHash.Stdout);
    }

    [Fact]
    public async Task Diff_TabularHook_IsAskedAboutModifiedCsvFilesOnlyAndPrinted()
    {
        WriteSample(PathOf("data"));
        var v1 = Track(PathOf("data"));
        File.AppendAllText(PathOf("data/a/b/c/deep.csv"), "3,4\n");
        File.WriteAllText(PathOf("data/new.csv"), "n\n");
        Track(PathOf("data"));
        var asked = new List<string>();
        var stdout = new StringWriter();
        var options = new Keel.Cli.Commands.ClientOptions();
        var group = options.AddTo(new System.CommandLine.Command("data"));
        group.Subcommands.Add(Keel.Cli.Commands.DataDiffCommand.Create(options, KeelCommandLine.Host(stdout, TextWriter.Null, workingDirectory: _root.Path), async (input, ct) =>
        {
            asked.Add(input.Path);
            using var before = new StreamReader(input.OpenBefore());
            using var after = new StreamReader(input.OpenAfter());
            var rows = $"rows: {(await before.ReadToEndAsync(ct)).Count(c => c == '\n') - 1} -> {(await after.ReadToEndAsync(ct)).Count(c => c == '\n') - 1}";
            return new Keel.Data.Diff.TabularDiffSummary([rows], new System.Text.Json.Nodes.JsonObject { ["rows"] = rows });
        }));

        var exitCode = await new System.CommandLine.RootCommand { group }
            .Parse(["data", "diff", ContentHash.Of(v1.ToCanonicalJson()), "data"])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.Equal(["a/b/c/deep.csv"], asked);
        Assert.Contains("a/b/c/deep.csv:\n  rows: 1 -> 2", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.keel", "is neither a pointer file")]
    [InlineData("abc123", "is not a manifest hash")]
    [InlineData("no-such-rev:data.keel", "Cannot read no-such-rev:data.keel from git: fatal:")]
    public async Task Diff_BadSide_ExitsOneWithOneLine(string side, string expected)
    {
        File.WriteAllText(PathOf("data"), "x");
        Track(PathOf("data"));
        Git("init", "-q");

        var result = await RunAsync("data", "diff", side, "data");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Checkout_MissingTarget_ExitsOneWithOneLine()
    {
        var result = await RunAsync("data", "checkout", "nothing-here");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: 'nothing-here' is neither tracked data, a pointer file nor a folder.", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Gc_MalformedPointer_ExitsOneAndDeletesNothing()
    {
        File.WriteAllBytes(PathOf("dropped.bin"), [1, 2, 3]);
        Track(PathOf("dropped.bin"));
        File.Delete(PathOf("dropped.bin.keel"));
        File.WriteAllText(PathOf("broken.csv.keel"), "keel_data: 1\npath: broken.csv\n");

        var result = await RunAsync("data", "gc", "--grace-minutes", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("broken.csv.keel", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Equal(2, _repository.Cache.EnumerateHashes().Count());
    }

    private async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var exitCode = await KeelCli.RunAsync(args, KeelCommandLine.Host(stdout, stderr, workingDirectory: _root.Path), TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.Text, stderr.Text);
    }

    private DataPointer Pointer(string tracked) => DataPointer.Parse(File.ReadAllText(PathOf(tracked + DataPointer.Extension)), tracked);

    /// <summary>
    /// Tracks a file or folder without the real chunker: fixed 64 KiB chunks (a manifest does not care how chunks were
    /// cut) and the manifest into the cache, and the pointer file beside the data.
    /// </summary>
    private DataManifest Track(string path)
    {
        var isDirectory = Directory.Exists(path);
        var files = isDirectory
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Select(f => (Path.GetRelativePath(path, f).Replace('\\', '/'), f))
            : [(Path.GetFileName(path), path)];
        var manifest = new DataManifest(isDirectory, files.Select(f => ChunkInto(f.Item1, f.Item2)));
        var json = manifest.ToCanonicalJson();
        var hash = ContentHash.Of(json);
        _repository.Cache.Put(hash, json);
        var pointer = new DataPointer(Path.GetFileName(path), isDirectory, hash, manifest.TotalSize, manifest.FileCount);
        File.WriteAllText(path + DataPointer.Extension, pointer.ToYaml());
        return manifest;
    }

    private ManifestFile ChunkInto(string relative, string file)
    {
        var bytes = File.ReadAllBytes(file);
        var chunks = new List<ChunkRef>();
        for (var start = 0; start < bytes.Length; start += ChunkSize)
        {
            var piece = bytes.AsSpan(start, Math.Min(ChunkSize, bytes.Length - start));
            var hash = ContentHash.Of(piece);
            _repository.Cache.Put(hash, piece);
            chunks.Add(new ChunkRef(hash, piece.Length));
        }
        return new ManifestFile(relative, bytes.Length, chunks);
    }

    // Empty file, nested folders, unicode names, and a file of several chunks.
    private static void WriteSample(string folder)
    {
        WriteFile(folder, "empty.txt", []);
        WriteFile(folder, "a/b/c/deep.csv", Encoding.UTF8.GetBytes("x,y\n1,2\n"));
        WriteFile(folder, "données/été 2024.json", Encoding.UTF8.GetBytes("{\"ok\":true}"));
        WriteFile(folder, "日本語/ファイル.txt", Encoding.UTF8.GetBytes("こんにちは"));
        WriteFile(folder, "big.bin", Random(ChunkSize * 4 + 1234, seed: 5));
    }

    private static void WriteFile(string folder, string relative, byte[] bytes)
    {
        var full = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
    }

    private static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static SortedDictionary<string, string> Snapshot(string folder) => new(
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => ContentHash.Of(File.ReadAllBytes(f))),
        StringComparer.Ordinal);

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _root.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
