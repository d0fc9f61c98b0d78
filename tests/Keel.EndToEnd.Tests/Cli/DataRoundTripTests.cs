using System.Text;
using Keel.Cli;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary>
/// The whole data loop through the real CLI against a real server: add → push → lose the cache and the working copy →
/// pull (which checks out) → a byte-identical tree; then a second version that shares most chunks with the first.
/// </summary>
public sealed class DataRoundTripTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    // Small chunks, so a 3 MiB file spans dozens of them and a file far larger than the chunker's window is covered.
    private const string ChunkSize = "64KiB";

    private readonly TempDirectory _directory = new("keel-e2e-roundtrip");

    public void Dispose() => _directory.Dispose();

    private async Task<CliResult> KeelIn(string workingDirectory, params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var host = KeelCommandLine.Host(stdout, stderr, workingDirectory: workingDirectory);
        var exit = await KeelCli.RunAsync([.. args, "--tracking-uri", fixture.Server.BaseAddress.ToString()], host, TestContext.Current.CancellationToken);
        return new CliResult(exit, stdout.Text, stderr.Text);
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes, StringComparer.Ordinal);

    [Fact]
    public async Task AddPushWipePull_GivesAByteIdenticalTree_AndASecondVersionSendsOnlyNewChunks()
    {
        var root = Path.Combine(_directory.Path, "repo");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(Path.Combine(data, "nested", "deeper"));
        Directory.CreateDirectory(Path.Combine(root, ".git")); // the repository root, as in a git checkout
        var big = new byte[3 << 20];
        new Random(42).NextBytes(big);
        File.WriteAllBytes(Path.Combine(data, "big.bin"), big);
        File.WriteAllBytes(Path.Combine(data, "empty.txt"), []);
        File.WriteAllText(Path.Combine(data, "nested", "deeper", "naïve-日本.csv"), "a,b\n1,2\n", Encoding.UTF8);
        File.WriteAllText(Path.Combine(data, "nested", "notes.md"), "# notes\n");
        var original = Snapshot(data);
        var dataset = $"roundtrip-{Guid.NewGuid():N}";

        var add = await KeelIn(root, "data", "add", "data", "--dataset", dataset, "--avg-chunk-size", ChunkSize);
        var push = await KeelIn(root, "data", "push", "--output", "json");
        Directory.Delete(Path.Combine(root, ".keel"), recursive: true);
        Directory.Delete(data, recursive: true);
        var pull = await KeelIn(root, "data", "pull");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(push.ExitCode == 0, push.ToString());
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Equal(1, push.Json["dataset_versions"]![0]!["version"]!.GetValue<long>());
        var restored = Snapshot(data);
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), restored.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in original)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(restored[path]), $"{path} differs after the round trip");
        }
        var status = await KeelIn(root, "data", "status", "--output", "json");
        Assert.True(status.ExitCode == 0, status.ToString());

        // Version 2: a few bytes inserted near the start of the big file; content-defined chunks keep the rest.
        File.WriteAllBytes(Path.Combine(data, "big.bin"), [.. big.AsSpan(0, 1000), .. "inserted"u8, .. big.AsSpan(1000)]);
        var addAgain = await KeelIn(root, "data", "add", "data", "--avg-chunk-size", ChunkSize);
        var pushAgain = await KeelIn(root, "data", "push", "--output", "json");

        Assert.True(addAgain.ExitCode == 0, addAgain.ToString());
        Assert.True(pushAgain.ExitCode == 0, pushAgain.ToString());
        var sent = pushAgain.Json["bytes_sent"]!.GetValue<long>();
        Assert.InRange(sent, 1, big.Length / 4);
        Assert.Equal(2, pushAgain.Json["dataset_versions"]![0]!["version"]!.GetValue<long>());
    }
}
