using System.Text;
using Keel.Cli;
using Keel.Core.Data;
using Keel.Core.Data.Manifests;
using Keel.Data.Repository;
using Keel.EndToEnd.Tests.Support;
using Keel.Storage;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel data push</c> and <c>keel data pull</c> against a real server, from real working folders.</summary>
public sealed class DataPushPullCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly TempDirectory _directory = new("keel-e2e-push");

    public void Dispose() => _directory.Dispose();

    private Task<CliResult> KeelIn(string workingDirectory, params string[] args) => KeelAt(fixture.Server.BaseAddress, workingDirectory, args);

    private static async Task<CliResult> KeelAt(Uri server, string workingDirectory, params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var host = KeelCommandLine.Host(stdout, stderr, workingDirectory: workingDirectory);
        var exit = await KeelCli.RunAsync([.. args, "--tracking-uri", server.ToString()], host, TestContext.Current.CancellationToken);
        return new CliResult(exit, stdout.Text, stderr.Text);
    }

    /// <summary>A repository (a folder with .keel) tracking one file of two 1-byte-apart chunks, as keel data add leaves it.</summary>
    private (string Root, string Chunk, string Manifest) Tracked(string name, string? dataset = null)
    {
        var root = Path.Combine(_directory.Path, name);
        var repository = DataRepository.Open(root);
        // A valid two-row CSV whose rows are unique per test, so no two tests (on one server) share chunks.
        var first = Encoding.UTF8.GetBytes($"id,value\n{Random.Shared.NextInt64(1, long.MaxValue)},2\n");
        var second = Encoding.UTF8.GetBytes($"3,{Random.Shared.NextInt64(1, long.MaxValue)}\n");
        var chunks = new[] { first, second }.Select(bytes =>
        {
            var hash = ContentHash.Of(bytes);
            repository.Cache.Put(hash, bytes);
            return new ChunkRef(hash, bytes.Length);
        }).ToArray();
        var manifest = new DataManifest(false, [new ManifestFile("train.csv", first.Length + second.Length, chunks)]);
        var json = manifest.ToCanonicalJson();
        var manifestHash = ContentHash.Of(json);
        repository.Cache.Put(manifestHash, json);
        File.WriteAllBytes(Path.Combine(root, "train.csv"), [.. first, .. second]);
        File.WriteAllText(Path.Combine(root, "train.csv.keel"), new DataPointer("train.csv", false, manifestHash, manifest.TotalSize, 1, dataset).ToYaml());
        return (root, chunks[1].Hash, manifestHash);
    }

    private string Clone(string root, string name)
    {
        var clone = Path.Combine(_directory.Path, name);
        Directory.CreateDirectory(Path.Combine(clone, ".keel"));
        File.Copy(Path.Combine(root, "train.csv.keel"), Path.Combine(clone, "train.csv.keel"));
        return clone;
    }

    [Fact]
    public async Task PushAndPull_ServerOnS3_MoveObjectsStraightThroughTheObjectStore_UnlessToldToGoThroughTheServer()
    {
        await using var server = await RecordingArtifactServer.StartNewAsync(s3: true);
        var (root, chunk, _) = Tracked("direct");

        var push = await KeelAt(server.BaseAddress, root, "data", "push", "--output", "json");
        var pull = await KeelAt(server.BaseAddress, Clone(root, "direct-clone"), "data", "pull");
        var proxied = await KeelAt(server.BaseAddress, Clone(root, "proxied-clone"), "data", "pull", "--through-server");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("\"objects_direct\": 3", push.Stdout, StringComparison.Ordinal);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains("Received 3 objects, 2 straight from the object store", pull.Stdout, StringComparison.Ordinal);
        Assert.True(proxied.ExitCode == 0, proxied.ToString());
        Assert.Contains("Received 3 objects (", proxied.Stdout, StringComparison.Ordinal);
        Assert.Single(server.Requests, r => r == "GET /api/keel/v1/data/objects/" + chunk);
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("PUT /api/keel/v1/data/objects/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PushThenPull_InAClone_PrintsTotalsFillsTheCacheAndChecksOut()
    {
        var (root, chunk, manifest) = Tracked("round");

        var push = await KeelIn(root, "data", "push");
        var again = await KeelIn(root, "data", "push");
        var clone = Clone(root, "round-clone");
        var pull = await KeelIn(clone, "data", "pull", "train.csv.keel", "--jobs", "2");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Contains("Sent 3 objects", push.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 objects", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 objects", again.Stdout, StringComparison.Ordinal);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains("Received 3 objects", pull.Stdout, StringComparison.Ordinal);
        Assert.Contains("Checked out 1 file", pull.Stdout, StringComparison.Ordinal);
        var cache = DataRepository.Open(clone).Cache;
        Assert.True(cache.Contains(chunk) && cache.Contains(manifest));
        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "train.csv")), File.ReadAllBytes(Path.Combine(clone, "train.csv")));
    }

    [Fact]
    public async Task Push_PointerNamingADataset_AnswersJsonWithTheVersion()
    {
        var dataset = $"ds-{Guid.NewGuid():N}";
        var (root, _, manifest) = Tracked("json", dataset);

        var push = await KeelIn(root, "data", "push", "--output", "json");

        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.Equal(3, push.Json["objects_sent"]!.GetValue<int>());
        Assert.Equal(0, push.Json["objects_skipped"]!.GetValue<int>());
        var version = push.Json["dataset_versions"]![0]!;
        Assert.Equal(dataset, version["name"]!.GetValue<string>());
        Assert.Equal(1, version["version"]!.GetValue<long>());
        Assert.Equal(manifest, version["manifest_hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pull_AFlippedByteOnTheServer_FailsNamingTheChunkAndFile()
    {
        var (root, chunk, _) = Tracked("flip");
        Assert.Equal(0, (await KeelIn(root, "data", "push")).ExitCode);
        var stored = Path.Combine(fixture.Server.DataDirectory, KeelStorage.DataObjectsFolderName, chunk[..2], chunk);
        var bytes = File.ReadAllBytes(stored);
        bytes[^1] ^= 0x20;
        File.WriteAllBytes(stored, bytes);
        var clone = Clone(root, "flip-clone");

        var pull = await KeelIn(clone, "data", "pull");

        Assert.Equal(1, pull.ExitCode);
        var line = Assert.Single(pull.StderrLines);
        Assert.Contains(chunk, line, StringComparison.Ordinal);
        Assert.Contains("train.csv", line, StringComparison.Ordinal);
        Assert.False(DataRepository.Open(clone).Cache.Contains(chunk));
    }

    [Fact]
    public async Task Push_NothingTracked_FailsWithOneLine()
    {
        var empty = Path.Combine(_directory.Path, "empty");
        Directory.CreateDirectory(Path.Combine(empty, ".keel"));

        var push = await KeelIn(empty, "data", "push");

        Assert.Equal(1, push.ExitCode);
        Assert.Contains("nothing to push", Assert.Single(push.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_TruncatedPointer_FailsWithOneLineNamingIt()
    {
        var (root, _, _) = Tracked("truncated");
        var pointer = Path.Combine(root, "train.csv.keel");
        File.WriteAllText(pointer, File.ReadAllText(pointer).Replace("manifest: ", "manifest: 12", StringComparison.Ordinal)[..^20]);

        var push = await KeelIn(root, "data", "push");

        Assert.Equal(1, push.ExitCode);
        Assert.Contains("train.csv.keel", Assert.Single(push.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("many")]
    public async Task PushAndPull_BadJobs_AreUsageErrors(string jobs)
    {
        var (root, _, _) = Tracked("jobs-" + jobs);

        var push = await KeelIn(root, "data", "push", "--jobs", jobs);
        var pull = await KeelIn(root, "data", "pull", "--jobs", jobs);

        Assert.Equal(2, push.ExitCode);
        Assert.Equal(2, pull.ExitCode);
        Assert.Contains("--jobs", push.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_MissingTarget_FailsWithOneLine()
    {
        var (root, _, _) = Tracked("missing-target");

        var pull = await KeelIn(root, "data", "pull", "nope.csv");

        Assert.Equal(1, pull.ExitCode);
        Assert.Contains("'nope.csv'", Assert.Single(pull.StderrLines), StringComparison.Ordinal);
    }
}
