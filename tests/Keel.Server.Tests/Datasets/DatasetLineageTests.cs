using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary>Lineage reaches data: a run input whose digest is a manifest hash names the dataset version holding it.</summary>
public sealed class DatasetLineageTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Lineage_RunInputWithManifestDigest_NamesTheDatasetVersion()
    {
        var dataset = await _client.NewDatasetAsync();
        var (manifest, size) = await _client.PushFileAsync();
        await _client.OkAsync(HttpMethod.Post, DatasetHttp.Path(dataset) + "/versions",
            new { manifest_hash = manifest, size, file_count = 1, kind = "file", row_count = 1 });
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync($"lineage-{Guid.NewGuid():N}"));
        await MlflowHttp.OkAsync(_client, "runs/log-inputs", new
        {
            run_id = runId,
            datasets = new object[]
            {
                new { dataset = new { name = dataset, digest = manifest, source_type = "keel", source = "data/train.csv.keel" }, tags = new[] { new { key = "mlflow.data.context", value = "training" } } },
                new { dataset = new { name = "pandas", digest = "1a2b3c4d", source_type = "local", source = "x.csv" }, tags = Array.Empty<object>() },
            },
        });
        var model = $"lineage-model-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(model);
        await _client.CreateModelVersionAsync(model, runId);

        var lineage = await _client.OkAsync(HttpMethod.Get, $"api/keel/v1/lineage/model-versions/{model}/1");

        var inputs = lineage["run"]!["datasets"]!.AsArray();
        var linked = inputs[0]!["dataset_version"]!;
        Assert.Equal(manifest, inputs[0]!["digest"]!.GetValue<string>());
        Assert.Equal(dataset, linked["name"]!.GetValue<string>());
        Assert.Equal(1, linked["version"]!.GetValue<long>());
        Assert.Equal(size, linked["size"]!.GetValue<long>());
        Assert.Equal(1, linked["row_count"]!.GetValue<long>());
        Assert.Null(inputs[1]!["dataset_version"]);
    }

    [Fact]
    public async Task LogInputs_DigestOf65Characters_IsStill400()
    {
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync($"digest-{Guid.NewGuid():N}"));

        var (status, body) = await _client.PostJsonAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { dataset = new { name = "d", digest = new string('a', 65), source_type = "keel", source = "s" } } },
        });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Contains("maximum length of 64", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
