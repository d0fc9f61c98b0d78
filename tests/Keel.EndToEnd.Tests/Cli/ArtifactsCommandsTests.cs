using Keel.Client;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class ArtifactsCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-artifacts");

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task PutLsGet_Folder_RoundTripsEveryByte()
    {
        var runId = await CreateRunAsync();
        var source = Directory.CreateDirectory(Path.Combine(_local.Path, "report")).FullName;
        Directory.CreateDirectory(Path.Combine(source, "plots"));
        var large = new byte[300_000];
        new Random(7).NextBytes(large);
        await File.WriteAllTextAsync(Path.Combine(source, "summary.txt"), "auc 0.99\n", TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(source, "plots", "roc.bin"), large, TestContext.Current.CancellationToken);
        var destination = Path.Combine(_local.Path, "downloaded");

        var put = await KeelCommandLine.RunAsync("artifacts", "put", runId, source, "--artifact-path", "report", "--tracking-uri", Uri);
        var rootListing = await KeelCommandLine.RunAsync("artifacts", "ls", runId, "--tracking-uri", Uri, "-o", "json");
        var listing = await KeelCommandLine.RunAsync("artifacts", "ls", runId, "report", "--tracking-uri", Uri);
        var get = await KeelCommandLine.RunAsync("artifacts", "get", runId, "report", "--dest", destination, "--tracking-uri", Uri, "-o", "json");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Contains("Uploaded 2 file(s)", put.Stdout, StringComparison.Ordinal);
        Assert.Contains("report/", put.Stdout, StringComparison.Ordinal);
        var root = Assert.Single(rootListing.Json["files"]!.AsArray());
        Assert.Equal("report", root!["path"]!.GetValue<string>());
        Assert.True(root["is_dir"]!.GetValue<bool>());
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("report/plots/", listing.Stdout, StringComparison.Ordinal);
        Assert.Contains("report/summary.txt", listing.Stdout, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(2, get.Json["files"]!.GetValue<int>());
        Assert.Equal(large.Length + 9, get.Json["bytes"]!.GetValue<long>());
        var local = get.Json["local_path"]!.GetValue<string>();
        Assert.Equal(Path.Combine(destination, "report"), local);
        Assert.Equal("auc 0.99\n", await File.ReadAllTextAsync(Path.Combine(local, "summary.txt"), TestContext.Current.CancellationToken));
        Assert.Equal(large, await File.ReadAllBytesAsync(Path.Combine(local, "plots", "roc.bin"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PutGet_SingleFileAtTheRoot_RoundTrips()
    {
        var runId = await CreateRunAsync();
        var file = Path.Combine(_local.Path, "notes.md");
        await File.WriteAllTextAsync(file, "# notes\n", TestContext.Current.CancellationToken);
        var destination = Path.Combine(_local.Path, "single");

        var put = await KeelCommandLine.RunAsync("artifacts", "put", runId, file, "--tracking-uri", Uri, "-o", "json");
        var get = await KeelCommandLine.RunAsync("artifacts", "get", runId, "notes.md", "--dest", destination, "--tracking-uri", Uri);

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Equal(1, put.Json["files"]!.GetValue<int>());
        Assert.Equal(8, put.Json["bytes"]!.GetValue<long>());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains("Downloaded 1 file(s), 8 B", get.Stdout, StringComparison.Ordinal);
        Assert.Equal("# notes\n", await File.ReadAllTextAsync(Path.Combine(destination, "notes.md"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Ls_RunWithoutArtifacts_SaysSo()
    {
        var runId = await CreateRunAsync();

        var listing = await KeelCommandLine.RunAsync("artifacts", "ls", runId, "--tracking-uri", Uri);

        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Equal("No artifacts.", listing.Stdout.Trim());
    }

    [Fact]
    public async Task Get_MissingArtifact_FailsWithResourceDoesNotExist()
    {
        var runId = await CreateRunAsync();
        var present = Path.Combine(_local.Path, "present.txt");
        await File.WriteAllTextAsync(present, "here", TestContext.Current.CancellationToken);
        await _client.UploadArtifactAsync(runId, present, ct: TestContext.Current.CancellationToken);

        var get = await KeelCommandLine.RunAsync("artifacts", "get", runId, "absent.txt", "--dest", _local.Path, "--tracking-uri", Uri);

        Assert.Equal(1, get.ExitCode);
        Assert.Equal($"error: RESOURCE_DOES_NOT_EXIST: run {runId} has no artifact 'absent.txt'", Assert.Single(get.StderrLines));
    }

    [Fact]
    public async Task Put_MissingLocalPath_FailsWithOneLine()
    {
        var runId = await CreateRunAsync();
        var missing = Path.Combine(_local.Path, "missing.bin");

        var put = await KeelCommandLine.RunAsync("artifacts", "put", runId, missing, "--tracking-uri", Uri);

        Assert.Equal(1, put.ExitCode);
        Assert.Equal($"error: no such file or folder: {missing}", Assert.Single(put.StderrLines));
    }

    private async Task<string> CreateRunAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var experimentId = await _client.CreateExperimentAsync($"artifacts-{Guid.NewGuid():N}", ct: ct);
        await using var run = await _client.StartRunAsync(experimentId, "with-files", ct: ct);
        return run.RunId;
    }
}
