using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

public sealed class RunEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> NewRunAsync(string? experimentId = null)
    {
        experimentId ??= await _client.CreateExperimentAsync($"runs-{Guid.NewGuid():N}");
        return await _client.CreateRunAsync(experimentId);
    }

    [Fact]
    public async Task Create_WithNameAndTags_ReturnsRunningRunWithArtifactUri()
    {
        var experimentId = await _client.CreateExperimentAsync($"create-{Guid.NewGuid():N}");

        var run = (await _client.OkAsync("runs/create", new
        {
            experiment_id = experimentId,
            run_name = "first",
            user_id = "ada",
            start_time = 1234L,
            tags = new[] { new { key = "team", value = "ml" } },
        }))["run"]!;

        var info = run["info"]!;
        var runId = (string)info["run_id"]!;
        Assert.Equal(32, runId.Length);
        Assert.Equal(runId, (string)info["run_uuid"]!);
        Assert.Equal("first", (string)info["run_name"]!);
        Assert.Equal("ada", (string)info["user_id"]!);
        Assert.Equal("RUNNING", (string)info["status"]!);
        Assert.Equal(1234L, (long)info["start_time"]!);
        Assert.Null(info["end_time"]);
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", (string)info["artifact_uri"]!);
        var tags = run["data"]!["tags"]!.AsArray().ToDictionary(t => (string)t!["key"]!, t => (string)t!["value"]!);
        Assert.Equal("ml", tags["team"]);
        Assert.Equal("first", tags["mlflow.runName"]);
    }

    [Fact]
    public async Task Create_WithoutExperimentOrName_UsesDefaultExperimentAndGeneratesName()
    {
        var run = (await _client.OkAsync("runs/create", new { }))["run"]!["info"]!;

        Assert.Equal("0", (string)run["experiment_id"]!);
        Assert.False(string.IsNullOrEmpty((string?)run["run_name"]));
    }

    [Fact]
    public async Task Create_UnknownExperiment_Returns404()
    {
        var (status, body) = await _client.PostJsonAsync("runs/create", new { experiment_id = "99999" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Create_InDeletedExperiment_Returns400InvalidState()
    {
        var experimentId = await _client.CreateExperimentAsync($"gone-{Guid.NewGuid():N}");
        await _client.OkAsync("experiments/delete", new { experiment_id = experimentId });

        var (status, body) = await _client.PostJsonAsync("runs/create", new { experiment_id = experimentId });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_STATE", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Create_StartTimeOfWrongType_Returns400NamingField()
    {
        var (status, body) = await _client.PostJsonAsync("runs/create", """{"experiment_id": "0", "start_time": "yesterday"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("start_time", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ByRunUuidAlias_ReturnsRun()
    {
        var runId = await NewRunAsync();

        var run = await _client.GetOkAsync($"runs/get?run_uuid={runId}");

        Assert.Equal(runId, (string)run["run"]!["info"]!["run_id"]!);
    }

    [Fact]
    public async Task Get_UnknownOrMissingId_Returns404Or400()
    {
        var (unknown, body) = await _client.GetJsonAsync("runs/get?run_id=0123456789abcdef0123456789abcdef");
        var (missing, _) = await _client.GetJsonAsync("runs/get");

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
    }

    [Fact]
    public async Task Update_StatusEndTimeAndName_AreApplied()
    {
        var runId = await NewRunAsync();

        var info = (await _client.OkAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = 99L, run_name = "renamed" }))["run_info"]!;
        var tags = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!["tags"]!.AsArray();

        Assert.Equal("FINISHED", (string)info["status"]!);
        Assert.Equal(99L, (long)info["end_time"]!);
        Assert.Equal("renamed", (string)info["run_name"]!);
        Assert.Contains(tags, t => (string)t!["key"]! == "mlflow.runName" && (string)t["value"]! == "renamed");
    }

    [Fact]
    public async Task Update_InvalidStatus_Returns400NamingStatus()
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/update", new { run_id = runId, status = "DONE" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("status", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAndRestore_HidesRunFromDefaultSearch()
    {
        var experimentId = await _client.CreateExperimentAsync($"del-{Guid.NewGuid():N}");
        var kept = await _client.CreateRunAsync(experimentId);
        var deleted = await _client.CreateRunAsync(experimentId);

        await _client.OkAsync("runs/delete", new { run_id = deleted });
        var active = await SearchIdsAsync(experimentId, "ACTIVE_ONLY");
        var deletedOnly = await SearchIdsAsync(experimentId, "DELETED_ONLY");
        var all = await SearchIdsAsync(experimentId, "ALL");
        var stage = (string)(await _client.GetOkAsync($"runs/get?run_id={deleted}"))["run"]!["info"]!["lifecycle_stage"]!;
        await _client.OkAsync("runs/restore", new { run_id = deleted });
        var restored = await SearchIdsAsync(experimentId, null);

        Assert.Equal([kept], active);
        Assert.Equal([deleted], deletedOnly);
        Assert.Equal(2, all.Length);
        Assert.Equal("deleted", stage);
        Assert.Equal(2, restored.Length);
    }

    [Fact]
    public async Task Delete_UnknownRun_Returns404()
    {
        var (status, _) = await _client.PostJsonAsync("runs/delete", new { run_id = "ffffffffffffffffffffffffffffffff" });

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task LogMetric_MissingTimestampOrValue_Returns400NamingField()
    {
        var runId = await NewRunAsync();

        var (noTimestamp, body1) = await _client.PostJsonAsync("runs/log-metric", new { run_id = runId, key = "m", value = 1.0 });
        var (noValue, body2) = await _client.PostJsonAsync("runs/log-metric", new { run_id = runId, key = "m", timestamp = 1L });

        Assert.Equal(HttpStatusCode.BadRequest, noTimestamp);
        Assert.Contains("'timestamp'", (string)body1["message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noValue);
        Assert.Contains("'value'", (string)body2["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogMetric_ValueOfWrongType_Returns400NamingField()
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-metric", $$"""{"run_id": "{{runId}}", "key": "m", "value": "high", "timestamp": 1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'value'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogParameter_SameValueTwice_IsAcceptedButNewValueIsRejected()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });

        var (status, body) = await _client.PostJsonAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.2" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("lr", (string)body["message"]!, StringComparison.Ordinal);
        var stored = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!["params"]!.AsArray();
        Assert.Equal("0.1", (string)stored.Single()!["value"]!);
    }

    [Fact]
    public async Task LogParameter_ValueTooLong_Returns400()
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-parameter", new { run_id = runId, key = "big", value = new string('x', 6001) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("6000", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetTagAndDeleteTag_RoundTrip_AndDeletingMissingTagIs404()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/set-tag", new { run_id = runId, key = "stage", value = "dev" });
        await _client.OkAsync("runs/delete-tag", new { run_id = runId, key = "stage" });

        var (status, body) = await _client.PostJsonAsync("runs/delete-tag", new { run_id = runId, key = "stage" });
        var tags = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!["tags"]!.AsArray();

        Assert.DoesNotContain(tags, t => (string)t!["key"]! == "stage");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Logging_ToDeletedRun_Returns400()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/delete", new { run_id = runId });

        var (status, body) = await _client.PostJsonAsync("runs/set-tag", new { run_id = runId, key = "k", value = "v" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("active", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogInputs_DatasetWithTags_AppearsOnRun()
    {
        var runId = await NewRunAsync();

        await _client.OkAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[]
            {
                new
                {
                    tags = new[] { new { key = "mlflow.data.context", value = "training" } },
                    dataset = new { name = "cancer", digest = "abc123", source_type = "local", source = "data/cancer.csv", schema = "{\"cols\":[]}", profile = "{\"rows\":569}" },
                },
            },
        });

        var input = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["inputs"]!["dataset_inputs"]!.AsArray().Single()!;
        Assert.Equal("cancer", (string)input["dataset"]!["name"]!);
        Assert.Equal("abc123", (string)input["dataset"]!["digest"]!);
        Assert.Equal("{\"rows\":569}", (string)input["dataset"]!["profile"]!);
        Assert.Equal("training", (string)input["tags"]![0]!["value"]!);
    }

    [Fact]
    public async Task LogInputs_MissingDigestOrTooLongDigest_Returns400NamingField()
    {
        var runId = await NewRunAsync();

        var (missing, body1) = await _client.PostJsonAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { dataset = new { name = "d", source_type = "local", source = "x" } } },
        });
        var (tooLong, body2) = await _client.PostJsonAsync("runs/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { dataset = new { name = "d", digest = new string('a', 65), source_type = "local", source = "x" } } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("digest", (string)body1["message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Contains("digest", (string)body2["message"]!, StringComparison.Ordinal);
    }

    private async Task<string[]> SearchIdsAsync(string experimentId, string? viewType)
    {
        var body = await _client.OkAsync("runs/search", new { experiment_ids = new[] { experimentId }, run_view_type = viewType });
        return body["runs"]?.AsArray().Select(r => (string)r!["info"]!["run_id"]!).ToArray() ?? [];
    }
}
