using Keel.Client.Tests.Support;
using Keel.Contracts.Mlflow;
using Keel.Testing;

namespace Keel.Client.Tests.Registry;

public sealed class ModelUriClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly KeelClient _client = fixture.Client;
    private readonly TempDirectory _temp = new("keel-client-models");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_temp.Path, name)).FullName;

    private static Dictionary<string, byte[]> ReadTree(string directory) =>
        Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllBytes);

    /// <summary>A run with <c>model/</c> (three files, one nested) and an unrelated <c>notes.txt</c>, registered as version 1 of a new model.</summary>
    private async Task<(string Name, string RunId, Dictionary<string, byte[]> ModelFiles)> NewModelAsync()
    {
        var experimentId = await _client.CreateExperimentAsync(Names.Unique("models"), ct: Ct);
        var runId = (await _client.CreateRunAsync(new CreateRunRequest { ExperimentId = experimentId }, Ct)).Info.RunId;
        var source = Folder(Names.Unique("source"));
        var weights = new byte[256 * 1024 + 3];
        new Random(7).NextBytes(weights);
        var files = new Dictionary<string, byte[]>
        {
            ["MLmodel"] = "flavors:\n  onnx:\n    data: model.onnx\n"u8.ToArray(),
            ["model.onnx"] = weights,
            ["extra/vocab.txt"] = "a\nb\n"u8.ToArray(),
        };
        foreach (var (path, content) in files)
        {
            var local = Path.Combine(source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            await File.WriteAllBytesAsync(local, content, Ct);
        }
        var notes = Path.Combine(Folder(Names.Unique("notes")), "notes.txt");
        await File.WriteAllTextAsync(notes, "not part of the model", Ct);
        await _client.UploadArtifactsAsync(runId, source, "model", ct: Ct);
        await _client.UploadArtifactAsync(runId, notes, ct: Ct);

        var name = Names.Unique("downloadable");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);
        await _client.CreateModelVersionAsync(name, $"runs:/{runId}/model", runId, ct: Ct);
        return (name, runId, files);
    }

    [Fact]
    public async Task ResolveModelUriAsync_VersionAndAlias_ReturnTypedResult()
    {
        var (name, runId, _) = await NewModelAsync();
        await _client.SetRegisteredModelAliasAsync(name, "champion", 1, Ct);

        var byVersion = await _client.ResolveModelUriAsync($"models:/{name}/1", Ct);
        var byAlias = await _client.ResolveModelUriAsync($"models:/{name}@champion", Ct);
        var byRun = await _client.ResolveModelUriAsync($"runs:/{runId}/model", Ct);

        Assert.Equal(name, byVersion.ModelName);
        Assert.Equal(1L, byVersion.Version);
        Assert.Equal(runId, byVersion.RunId);
        Assert.EndsWith($"{runId}/artifacts/model", byVersion.ArtifactUri, StringComparison.Ordinal);
        Assert.Equal(byVersion, byAlias);
        Assert.Equal(new ResolvedModelUri(byVersion.ArtifactUri, null, null, runId), byRun);
    }

    [Fact]
    public async Task ResolveModelUriAsync_UnknownAndMalformed_ThrowWithServerCodes()
    {
        var unknown = await Assert.ThrowsAsync<KeelApiException>(() => _client.ResolveModelUriAsync($"models:/{Names.Unique("nope")}/1", Ct));
        var malformed = await Assert.ThrowsAsync<KeelApiException>(() => _client.ResolveModelUriAsync("file:///etc/passwd", Ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, unknown.ErrorCode);
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal(ErrorCodes.InvalidParameterValue, malformed.ErrorCode);
        Assert.Contains("'uri'", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadModelAsync_VersionOfRunModelFolder_DownloadsExactlyTheModelFiles()
    {
        var (name, _, files) = await NewModelAsync();
        var destination = Path.Combine(_temp.Path, Names.Unique("download"));
        var progress = new RecordingProgress();

        var local = await _client.DownloadModelAsync($"models:/{name}/latest", destination, progress, Ct);

        Assert.Equal(Path.GetFullPath(destination), local);
        var downloaded = ReadTree(local);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), downloaded.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, pair => Assert.Equal(pair.Value, downloaded[pair.Key]));
        Assert.Equal(files.Values.Sum(b => (long)b.Length), progress.Values[^1]);
    }

    [Fact]
    public async Task DownloadModelAsync_SingleFileUri_DownloadsThatFile()
    {
        var (_, runId, files) = await NewModelAsync();
        var destination = Folder(Names.Unique("single"));

        var local = await _client.DownloadModelAsync($"runs:/{runId}/model/model.onnx", destination, ct: Ct);

        Assert.Equal(files["model.onnx"], await File.ReadAllBytesAsync(Path.Combine(local, "model.onnx"), Ct));
        Assert.Single(Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadModelAsync_VersionWithoutFiles_ThrowsNotFound()
    {
        var name = Names.Unique("hollow");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);
        await _client.CreateModelVersionAsync(name, "mlflow-artifacts:/nothing/here", ct: Ct);

        var e = await Assert.ThrowsAsync<KeelApiException>(() => _client.DownloadModelAsync($"models:/{name}/1", Folder(Names.Unique("empty")), ct: Ct));

        Assert.Equal(ErrorCodes.ResourceDoesNotExist, e.ErrorCode);
    }

    [Fact]
    public async Task GetModelVersionLineageAsync_TrainedVersion_ReturnsRunParamsMetricsAndDatasets()
    {
        var (name, runId, _) = await NewModelAsync();
        await _client.LogBatchAsync(runId,
            metrics: [new MetricDto { Key = "rmse", Value = 0.25, Timestamp = 1_700_000_000_000L, Step = 2 }],
            parameters: [new KeyValue("depth", "6")],
            tags: [new KeyValue("mlflow.source.git.commit", "abc1234")],
            ct: Ct);
        await _client.LogInputsAsync(runId,
            [new DatasetInputDto
            {
                Tags = [new KeyValue("mlflow.data.context", "eval")],
                Dataset = new DatasetDto { Name = "holdout", Digest = "1234", SourceType = "local", Source = "{}" },
            }],
            Ct);

        var lineage = await _client.GetModelVersionLineageAsync(name, 1, Ct);
        var withoutRun = await _client.GetModelVersionLineageAsync(await RegisterWithoutRunAsync(), 1, Ct);

        Assert.Equal("1", lineage.ModelVersion.Version);
        Assert.NotNull(lineage.Run);
        Assert.Equal(runId, lineage.Run.RunId);
        Assert.Equal("abc1234", lineage.Run.GitCommit);
        Assert.Equal("6", Assert.Single(lineage.Run.Params).Value);
        Assert.Equal(0.25, Assert.Single(lineage.Run.Metrics).Value);
        var dataset = Assert.Single(lineage.Run.Datasets);
        Assert.Equal("holdout", dataset.Name);
        Assert.Equal("eval", dataset.Context);
        Assert.Null(withoutRun.Run);
        var missing = await Assert.ThrowsAsync<KeelApiException>(() => _client.GetModelVersionLineageAsync(name, 9, Ct));
        Assert.Equal(ErrorCodes.ResourceDoesNotExist, missing.ErrorCode);
    }

    private async Task<string> RegisterWithoutRunAsync()
    {
        var name = Names.Unique("imported");
        await _client.CreateRegisteredModelAsync(name, ct: Ct);
        await _client.CreateModelVersionAsync(name, "mlflow-artifacts:/imported/model", ct: Ct);
        return name;
    }
}
