using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Registry;

/// <summary>Issue 3, item 3: a version's source must point into Keel's own artifact store.</summary>
public sealed class ModelVersionSourceTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> NewModelAsync()
    {
        var name = $"src-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        return name;
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("relative/path")]
    [InlineData("http://evil/x")]
    [InlineData("https://evil/x")]
    [InlineData("s3://bucket/x")]
    [InlineData("models:/other/1")]
    [InlineData("mlflow-artifacts://evil/x")]
    [InlineData("mlflow-artifacts:/../x")]
    [InlineData("mlflow-artifacts:/0/../../x")]
    [InlineData("mlflow-artifacts:/0/%2e%2e/x")]
    [InlineData("mlflow-artifacts:/0/%2E%2E/x")]
    [InlineData("mlflow-artifacts:/0/%252e%252e/x")]
    [InlineData("mlflow-artifacts:/0\\x")]
    [InlineData("mlflow-artifacts:/0/%5c..%5cx")]
    [InlineData("mlflow-artifacts:/0/x#frag")]
    [InlineData("mlflow-artifacts:/0/x?q=1")]
    [InlineData("mlflow-artifacts:/C:/x")]
    public async Task Create_SourceOutsideArtifactStore_Returns400NamingSource(string source)
    {
        var name = await NewModelAsync();

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name, source });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"model-versions/get?name={name}&version=1")).Status);
    }

    [Fact]
    public async Task Create_RunsUriOfUnknownRun_Returns400NamingSource()
    {
        var name = await NewModelAsync();

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name, source = $"runs:/{Guid.NewGuid():N}/model" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
        Assert.Contains("does not exist", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RunsUriOfExistingRun_StoresArtifactsUriUnderTheRun()
    {
        var name = await NewModelAsync();
        var runId = await _client.CreateRunAsync("0");

        var version = (await _client.OkAsync("model-versions/create", new { name, source = $"runs:/{runId}/model" }))["model_version"]!;

        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", (string)version["source"]!);
        Assert.Equal(runId, (string)version["run_id"]!);
    }

    [Fact]
    public async Task Create_ArtifactsUriUnderTheRun_IsAccepted()
    {
        var name = await NewModelAsync();
        var experimentId = await _client.CreateExperimentAsync($"src-exp-{Guid.NewGuid():N}");
        var runId = await _client.CreateRunAsync(experimentId);
        var source = $"mlflow-artifacts:/{experimentId}/{runId}/artifacts/model";

        var version = (await _client.OkAsync("model-versions/create", new { name, source, run_id = runId }))["model_version"]!;

        Assert.Equal(source, (string)version["source"]!);
        Assert.Equal(runId, (string)version["run_id"]!);
    }

    [Fact]
    public async Task Create_ArtifactsUriOutsideTheNamedRun_Returns400()
    {
        var name = await NewModelAsync();
        var runId = await _client.CreateRunAsync("0");
        var otherRunId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.PostJsonAsync("model-versions/create",
            new { name, source = $"mlflow-artifacts:/0/{otherRunId}/artifacts/model", run_id = runId });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RunsUriNamingAnotherRunThanRunId_Returns400()
    {
        var name = await NewModelAsync();
        var runId = await _client.CreateRunAsync("0");
        var otherRunId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name, source = $"runs:/{otherRunId}/model", run_id = runId });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownRunId_Returns400NamingRunId()
    {
        var name = await NewModelAsync();

        var (status, body) = await _client.PostJsonAsync("model-versions/create",
            new { name, source = "mlflow-artifacts:/0/x/artifacts/model", run_id = Guid.NewGuid().ToString("N") });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'run_id'", (string)body["message"]!, StringComparison.Ordinal);
    }
}
