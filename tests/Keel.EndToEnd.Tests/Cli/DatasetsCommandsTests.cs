using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Keel.Client;
using Keel.Contracts.KeelApi;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel datasets list|show|versions|tag</c> and datasets in <c>keel models lineage</c>, against a real server.</summary>
public sealed class DatasetsCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", fixture.Server.BaseAddress.ToString()]);

    /// <summary>A dataset with one version over a pushed single-file manifest.</summary>
    private async Task<(string Name, string Manifest)> DatasetAsync()
    {
        var chunk = Encoding.UTF8.GetBytes($"a,b\n1,2\n{Guid.NewGuid():N}\n");
        var chunkHash = Convert.ToHexStringLower(SHA256.HashData(chunk));
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"version":1,"kind":"file","files":[{"path":"train.csv","size":{{chunk.Length}},"chunks":[{"h":"{{chunkHash}}","n":{{chunk.Length}}}]}]}""");
        var manifestHash = Convert.ToHexStringLower(SHA256.HashData(manifest));
        await _client.UploadDataObjectAsync(chunkHash, chunk, Ct);
        await _client.UploadDataObjectAsync(manifestHash, manifest, Ct);
        var name = $"cli-ds-{Guid.NewGuid():N}";
        await _client.CreateDatasetAsync(name, "training rows", ct: Ct);
        await _client.CreateDatasetVersionAsync(name, new CreateDatasetVersionRequest
        {
            ManifestHash = manifestHash,
            Size = chunk.Length,
            FileCount = 1,
            Kind = "file",
            RowCount = 2,
            Schema = [new DatasetColumnDto { Name = "a", Type = "integer" }, new DatasetColumnDto { Name = "b", Type = "integer" }],
        }, Ct);
        return (name, manifestHash);
    }

    [Fact]
    public async Task ListShowVersions_PrintTablesAndJson()
    {
        var (name, manifest) = await DatasetAsync();

        var list = await Keel("datasets", "list", "--prefix", name);
        var show = await Keel("datasets", "show", name);
        var version = await Keel("datasets", "show", name + "@1");
        var versions = await Keel("datasets", "versions", name, "--output", "json");

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(name, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("training rows", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(manifest, version.Stdout, StringComparison.Ordinal);
        Assert.Contains("integer", version.Stdout, StringComparison.Ordinal);
        Assert.Equal(manifest, versions.Json["dataset_versions"]![0]!["manifest_hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tag_DatasetAndVersion_SetsTheTags()
    {
        var (name, _) = await DatasetAsync();

        var onDataset = await Keel("datasets", "tag", name, "owner=ana", "team=ml");
        var onVersion = await Keel("datasets", "tag", name + "@1", "checked=yes");

        Assert.True(onDataset.ExitCode == 0, onDataset.ToString());
        Assert.Contains("Set 2 tags", onDataset.Stdout, StringComparison.Ordinal);
        Assert.True(onVersion.ExitCode == 0, onVersion.ToString());
        Assert.Equal(["owner", "team"], (await _client.GetDatasetAsync(name, Ct)).Tags.Select(t => t.Key));
        Assert.Equal("yes", Assert.Single((await _client.GetDatasetVersionAsync(name, 1, Ct)).Tags).Value);
    }

    [Theory]
    [InlineData("tag", "x", "novalue")]
    [InlineData("tag", "x@0", "k=v")]
    [InlineData("show", "x@one")]
    public async Task BadArguments_AreUsageErrors(params string[] args)
    {
        var result = await Keel(["datasets", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task Show_UnknownDatasetOrVersion_FailsWithOneLine()
    {
        var (name, _) = await DatasetAsync();

        var dataset = await Keel("datasets", "show", "missing-" + Guid.NewGuid().ToString("N"));
        var version = await Keel("datasets", "show", name + "@9");

        Assert.Equal(1, dataset.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", Assert.Single(dataset.StderrLines), StringComparison.Ordinal);
        Assert.Equal(1, version.ExitCode);
        Assert.Contains("has no version 9", Assert.Single(version.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsLineage_ShowsTheDatasetVersionBehindTheRunInput()
    {
        var (name, manifest) = await DatasetAsync();
        var experiment = await _client.CreateExperimentAsync($"cli-lineage-{Guid.NewGuid():N}", ct: Ct);
        var run = await _client.CreateRunAsync(new Contracts.Mlflow.CreateRunRequest { ExperimentId = experiment }, Ct);
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var logged = await http.PostAsJsonAsync("api/2.0/mlflow/runs/log-inputs", new
        {
            run_id = run.Info.RunId,
            datasets = new[] { new { dataset = new { name, digest = manifest, source_type = "keel", source = "train.csv.keel" } } },
        }, Ct);
        logged.EnsureSuccessStatusCode();
        var model = $"cli-lineage-model-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(model, ct: Ct);
        await _client.CreateModelVersionAsync(model, $"runs:/{run.Info.RunId}/model", run.Info.RunId, ct: Ct);

        var lineage = await Keel("models", "lineage", $"models:/{model}/1");

        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        Assert.Contains($"→ dataset {name} version 1", lineage.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 rows", lineage.Stdout, StringComparison.Ordinal);
    }
}
