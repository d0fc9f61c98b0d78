using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Artifacts;

public sealed class ArtifactTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly KeelClient _client = fixture.Client;
    private readonly TempDirectory _temp = new("keel-client-artifacts");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    private async Task<string> NewRunIdAsync()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("art"), ct: Ct);
        return (await _client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId }, Ct)).Info.RunId;
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_temp.Path, name)).FullName;

    private static string Write(string directory, string relativePath, byte[] content)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static Dictionary<string, byte[]> ReadTree(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllBytes);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string SampleTree()
    {
        var source = Folder("source");
        Write(source, "README.md", "# model\n"u8.ToArray());
        Write(source, "weights/model.onnx", RandomBytes(3 * 1024 * 1024 + 17, seed: 1));
        Write(source, "weights/deeper/config.json", """{"layers":3}"""u8.ToArray());
        Write(source, "name with spaces & ü.txt", "unicode"u8.ToArray());
        Write(source, ".hidden", "dot file"u8.ToArray());
        Write(source, "empty.bin", []);
        return source;
    }

    [Fact]
    public async Task UploadArtifactsAsync_DirectoryTree_DownloadRoundTripsByteExactWithProgress()
    {
        var runId = await NewRunIdAsync();
        var source = SampleTree();
        var expected = ReadTree(source);
        var total = expected.Values.Sum(b => (long)b.Length);
        var uploadProgress = new RecordingProgress();
        var downloadProgress = new RecordingProgress();
        var destination = Folder("download");

        await _client.UploadArtifactsAsync(runId, source, "model", uploadProgress, Ct);
        await _client.DownloadArtifactsAsync(runId, "model", destination, downloadProgress, Ct);

        var downloaded = ReadTree(Path.Combine(destination, "model"));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), downloaded.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, pair => Assert.Equal(pair.Value, downloaded[pair.Key]));
        Assert.Equal(total, uploadProgress.Values[^1]);
        Assert.Equal(total, downloadProgress.Values[^1]);
        Assert.True(uploadProgress.Values.Count > 2, "A 3 MB file is sent in many reported chunks.");
        Assert.Equal(uploadProgress.Values.Order(), uploadProgress.Values);
        Assert.Equal(downloadProgress.Values.Order(), downloadProgress.Values);
    }

    [Fact]
    public async Task DownloadArtifactsAsync_RunRoot_DownloadsEverythingKeepingPaths()
    {
        var runId = await NewRunIdAsync();
        var source = SampleTree();
        var destination = Folder("all");

        await _client.UploadArtifactsAsync(runId, source, ct: Ct);
        await _client.DownloadArtifactsAsync(runId, "", destination, ct: Ct);

        Assert.Equal(ReadTree(source), ReadTree(destination));
    }

    [Fact]
    public async Task ListArtifactsAsync_AfterUpload_ListsDirectoriesAndFilesWithSizes()
    {
        var runId = await NewRunIdAsync();
        await _client.UploadArtifactsAsync(runId, SampleTree(), "model", ct: Ct);

        var root = await _client.ListArtifactsAsync(runId, ct: Ct);
        var model = await _client.ListArtifactsAsync(runId, "model/weights", Ct);

        var modelDirectory = Assert.Single(root.Files);
        Assert.Equal("model", modelDirectory.Path);
        Assert.True(modelDirectory.IsDir);
        Assert.Equal(["model/weights/deeper", "model/weights/model.onnx"], model.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(3 * 1024 * 1024 + 17, Assert.Single(model.Files, f => !f.IsDir).FileSize);
        Assert.Null(model.NextPageToken);
    }

    [Fact]
    public async Task DownloadArtifactsAsync_SingleFile_LandsUnderItsArtifactPath()
    {
        var runId = await NewRunIdAsync();
        var file = Write(Folder("single"), "metrics.csv", "step,loss\n1,0.5\n"u8.ToArray());
        var destination = Folder("single-out");

        await _client.UploadArtifactAsync(runId, file, "reports/daily", ct: Ct);
        await _client.DownloadArtifactsAsync(runId, "reports/daily/metrics.csv", destination, ct: Ct);

        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(destination, "reports", "daily", "metrics.csv")));
        Assert.Empty(Directory.EnumerateFiles(destination, "*.keel-partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadArtifactsAsync_RunWithoutArtifacts_LeavesDestinationEmpty()
    {
        var runId = await NewRunIdAsync();
        var destination = Folder("nothing");

        await _client.DownloadArtifactsAsync(runId, "", destination, ct: Ct);

        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public async Task UploadArtifactAsync_SamePathTwice_LastContentWins()
    {
        var runId = await NewRunIdAsync();
        var folder = Folder("twice");
        var destination = Folder("twice-out");

        await _client.UploadArtifactAsync(runId, Write(folder, "state.txt", "first"u8.ToArray()), ct: Ct);
        await _client.UploadArtifactAsync(runId, Write(folder, "state.txt", "second"u8.ToArray()), ct: Ct);
        await _client.DownloadArtifactsAsync(runId, "state.txt", destination, ct: Ct);

        Assert.Equal("second", await File.ReadAllTextAsync(Path.Combine(destination, "state.txt"), Ct));
    }

    [Fact]
    public async Task DownloadArtifactsAsync_MissingPath_ThrowsResourceDoesNotExist()
    {
        var runId = await NewRunIdAsync();

        var e = await Assert.ThrowsAsync<KeelApiException>(
            () => _client.DownloadArtifactsAsync(runId, "nope/missing.bin", Folder("missing"), ct: Ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, e.ErrorCode);
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task UploadArtifactAsync_DirectoryClimbsOut_ThrowsArgumentExceptionWithoutSending()
    {
        var runId = await NewRunIdAsync();
        var file = Write(Folder("escape"), "x.txt", "x"u8.ToArray());

        var e = await Assert.ThrowsAsync<ArgumentException>(() => _client.UploadArtifactAsync(runId, file, "../other-run", ct: Ct));

        Assert.Equal("artifactDirectory", e.ParamName);
        Assert.Empty((await _client.ListArtifactsAsync(runId, ct: Ct)).Files);
    }

    [Fact]
    public async Task UploadArtifactAsync_MissingLocalFile_ThrowsFileNotFound()
    {
        var runId = await NewRunIdAsync();

        await Assert.ThrowsAsync<FileNotFoundException>(
            () => _client.UploadArtifactAsync(runId, Path.Combine(_temp.Path, "absent.bin"), ct: Ct));
    }

    [Fact]
    public async Task LogArtifactAsync_RunScope_UploadsFileAndDirectoryUnderTheRun()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("scope-art"), ct: Ct);
        var folder = Folder("scope");
        var file = Write(folder, "plot.png", RandomBytes(1024, seed: 2));
        var tree = SampleTree();
        var destination = Folder("scope-out");
        string runId;

        await using (var run = await _client.StartRunAsync(experimentId, ct: Ct))
        {
            runId = run.RunId;
            await run.LogArtifactAsync(file, "plots", Ct);
            await run.LogArtifactsAsync(tree, "tree", Ct);
        }
        await _client.DownloadArtifactsAsync(runId, "", destination, ct: Ct);

        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(destination, "plots", "plot.png")));
        Assert.Equal(ReadTree(tree), ReadTree(Path.Combine(destination, "tree")));
    }
}
