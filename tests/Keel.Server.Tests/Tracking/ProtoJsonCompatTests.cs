using System.Net;
using System.Text;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

/// <summary>Request forms protobuf JSON allows and MLflow's server accepts, and the error shapes its client relies on.</summary>
public sealed class ProtoJsonCompatTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task SearchRuns_NumericViewTypeAndExperimentIds_AreAccepted()
    {
        var experimentId = await _client.CreateExperimentAsync($"numeric-{Guid.NewGuid():N}");
        var runId = await _client.CreateRunAsync(experimentId);
        await _client.OkAsync("runs/delete", new { run_id = runId });

        var all = await _client.PostJsonAsync("runs/search", $$"""{"experiment_ids": [{{experimentId}}], "run_view_type": 3}""");
        var active = await _client.PostJsonAsync("runs/search", $$"""{"experiment_ids": [{{experimentId}}], "run_view_type": 1}""");

        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(runId, (string)all.Body["runs"]![0]!["info"]!["run_id"]!);
        Assert.Null(active.Body["runs"]);
    }

    [Fact]
    public async Task SearchExperiments_NumericViewType_IsAccepted()
    {
        var name = $"deleted-{Guid.NewGuid():N}";
        var id = await _client.CreateExperimentAsync(name);
        await _client.OkAsync("experiments/delete", new { experiment_id = id });

        var (status, body) = await _client.PostJsonAsync("experiments/search", $$"""{"view_type": 2, "filter": "name = '{{name}}'"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(id, (string)body["experiments"]![0]!["experiment_id"]!);
    }

    [Fact]
    public async Task UpdateRun_NumericStatus_IsAccepted()
    {
        var runId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.PostJsonAsync("runs/update", $$"""{"run_id": "{{runId}}", "status": 3}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("FINISHED", (string)body["run_info"]!["status"]!);
    }

    [Theory]
    [InlineData("""{"experiment_ids": [{"id": 1}]}""", "experiment_ids")]
    [InlineData("""{"experiment_ids": ["0"], "run_view_type": true}""", "run_view_type")]
    [InlineData("""{"experiment_ids": ["0"], "max_results": "many"}""", "max_results")]
    public async Task SearchRuns_WrongTypes_Return400NamingFieldWithoutDotnetTypeNames(string json, string field)
    {
        var (status, body) = await _client.PostJsonAsync("runs/search", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = (string)body["message"]!;
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Keel.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/2.0/mlflow/nope.json")]
    [InlineData("nope.txt")]
    [InlineData("api/2.0/mlflow/runs/frob")]
    public async Task UnknownRoute_LookingLikeAFile_StillGetsJsonEndpointNotFound(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error_code\":\"ENDPOINT_NOT_FOUND\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/2.0/mlflow-artifacts/mpu/create")]
    [InlineData("api/2.0/mlflow-artifacts/mpu/create/0/run/artifacts/model.bin")]
    [InlineData("api/2.0/mlflow-artifacts/mpu/complete/0/run/artifacts/model.bin")]
    [InlineData("api/2.0/mlflow-artifacts/mpu/abort/a.bin")]
    public async Task MultipartUpload_Returns501WithTheMessageMlflowClientsFallBackOn(string path)
    {
        // A well-formed request for each verb: on a store without multipart, only then is the answer 501.
        var body = path.Contains("/mpu/complete", StringComparison.Ordinal)
            ? """{"path": "model.bin", "upload_id": "u1", "parts": [{"part_number": 1, "etag": "e1"}]}"""
            : path.Contains("/mpu/abort", StringComparison.Ordinal)
                ? """{"path": "a.bin", "upload_id": "u1"}"""
                : """{"path": "model.bin", "num_parts": 3}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(path, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("\"error_code\":\"NOT_IMPLEMENTED\"", text, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"Multipart upload is not supported for the current artifact repository", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_ReturnsAVersionString()
    {
        var version = await _client.GetStringAsync("version", TestContext.Current.CancellationToken);

        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    [Theory]
    [InlineData("health/live")]
    [InlineData("health/ready")]
    [InlineData("health")]
    public async Task Health_Answers200(string path)
    {
        using var response = await _client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
