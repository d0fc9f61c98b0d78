using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Lineage;

public sealed class ModelVersionLineageTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private const string GitCommit = "0123456789abcdef0123456789abcdef01234567";
    private readonly HttpClient _client = fixture.Client;

    private async Task<(HttpStatusCode Status, JsonNode Body)> LineageAsync(string name, string version)
    {
        using var response = await _client.GetAsync(
            $"api/keel/v1/lineage/model-versions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}", TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    /// <summary>A finished run with params, metrics, code tags and a training dataset, registered as version 1.</summary>
    private async Task<(string Name, string ExperimentName, string RunId)> NewTrainedModelAsync()
    {
        var experimentName = $"lineage-{Guid.NewGuid():N}";
        var experimentId = await _client.CreateExperimentAsync(experimentName);
        var runId = (string)(await _client.OkAsync("runs/create", new
        {
            experiment_id = experimentId,
            run_name = "train",
            user_id = "ada",
            start_time = 1_700_000_000_000L,
            tags = new[]
            {
                new { key = "mlflow.source.git.commit", value = GitCommit },
                new { key = "mlflow.source.name", value = "train.py" },
                new { key = "mlflow.source.type", value = "LOCAL" },
            },
        }))["run"]!["info"]!["run_id"]!;
        await _client.OkAsync("runs/log-batch", new
        {
            run_id = runId,
            @params = new[] { new { key = "lr", value = "0.01" }, new { key = "epochs", value = "5" } },
            metrics = new[]
            {
                new { key = "auc", value = 0.81, timestamp = 1_700_000_001_000L, step = 0L },
                new { key = "auc", value = 0.93, timestamp = 1_700_000_002_000L, step = 1L },
            },
        });
        await _client.OkAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[]
            {
                new
                {
                    tags = new[] { new { key = "mlflow.data.context", value = "training" } },
                    dataset = new
                    {
                        name = "transactions",
                        digest = "d41d8cd9",
                        source_type = "local",
                        source = """{"uri": "data/transactions.parquet"}""",
                        schema = """{"mlflow_colspec": [{"name": "amount", "type": "double"}]}""",
                        profile = """{"num_rows": 1000}""",
                    },
                },
            },
        });
        await _client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_700_000_060_000L });
        var name = $"lineage-model-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId, description = "first cut" });
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
        return (name, experimentName, runId);
    }

    [Fact]
    public async Task Lineage_TrainedVersion_ShowsVersionRunCodeParamsMetricsAndData()
    {
        var (name, experimentName, runId) = await NewTrainedModelAsync();

        var (status, body) = await LineageAsync(name, "1");

        Assert.Equal(HttpStatusCode.OK, status);
        var version = body["model_version"]!;
        Assert.Equal(name, (string)version["name"]!);
        Assert.Equal("1", (string)version["version"]!);
        Assert.Equal(runId, (string)version["run_id"]!);
        Assert.EndsWith($"/{runId}/artifacts/model", (string)version["source"]!, StringComparison.Ordinal);
        Assert.Equal("READY", (string)version["status"]!);
        Assert.Equal("Staging", (string)version["current_stage"]!);
        Assert.Equal("champion", (string)version["aliases"]![0]!);
        Assert.Equal("first cut", (string)version["description"]!);
        Assert.True((long)version["creation_timestamp"]! > 0);

        var run = body["run"]!;
        Assert.Equal(runId, (string)run["run_id"]!);
        Assert.Equal("train", (string)run["run_name"]!);
        Assert.Equal(experimentName, (string)run["experiment_name"]!);
        Assert.Equal("FINISHED", (string)run["status"]!);
        Assert.Equal(1_700_000_000_000L, (long)run["start_time"]!);
        Assert.Equal(1_700_000_060_000L, (long)run["end_time"]!);
        Assert.Equal("ada", (string)run["user_id"]!);
        Assert.Equal(GitCommit, (string)run["git_commit"]!);
        Assert.Equal("train.py", (string)run["source_name"]!);
        Assert.Equal("LOCAL", (string)run["source_type"]!);

        var parameters = run["params"]!.AsArray().ToDictionary(p => (string)p!["key"]!, p => (string)p!["value"]!);
        Assert.Equal(new Dictionary<string, string> { ["epochs"] = "5", ["lr"] = "0.01" }, parameters);
        var metric = Assert.Single(run["metrics"]!.AsArray());
        Assert.Equal("auc", (string)metric!["key"]!);
        Assert.Equal(0.93, (double)metric["value"]!);
        Assert.Equal(1L, (long)metric["step"]!);

        var dataset = Assert.Single(run["datasets"]!.AsArray())!;
        Assert.Equal("transactions", (string)dataset["name"]!);
        Assert.Equal("d41d8cd9", (string)dataset["digest"]!);
        Assert.Equal("local", (string)dataset["source_type"]!);
        Assert.Contains("transactions.parquet", (string)dataset["source"]!, StringComparison.Ordinal);
        Assert.Contains("amount", (string)dataset["schema"]!, StringComparison.Ordinal);
        Assert.Contains("num_rows", (string)dataset["profile"]!, StringComparison.Ordinal);
        Assert.Equal("training", (string)dataset["context"]!);
        Assert.Equal("mlflow.data.context", (string)dataset["tags"]![0]!["key"]!);
    }

    [Fact]
    public async Task Lineage_VersionWithoutRun_HasNullRun()
    {
        var name = $"lineage-norun-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        await _client.OkAsync("model-versions/create", new { name, source = "mlflow-artifacts:/imported/model" });

        var (status, body) = await LineageAsync(name, "1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("mlflow-artifacts:/imported/model", (string)body["model_version"]!["source"]!);
        Assert.Null(body["model_version"]!["run_id"]);
        Assert.True(((JsonObject)body).ContainsKey("run"));
        Assert.Null(body["run"]);
    }

    [Theory]
    [InlineData(true, "7", "version=7")]
    [InlineData(false, "1", "not found")]
    public async Task Lineage_UnknownModelOrVersion_Returns404(bool modelExists, string version, string message)
    {
        var name = $"lineage-missing-{Guid.NewGuid():N}";
        if (modelExists)
        {
            await _client.CreateRegisteredModelAsync(name);
        }

        var (status, body) = await LineageAsync(name, version);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Contains(message, (string)body["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task Lineage_NonNumericVersion_Returns400NamingVersion(string version)
    {
        var (status, body) = await LineageAsync("any-model", version);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'version'", (string)body["message"]!, StringComparison.Ordinal);
    }
}
