using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Registry;

public sealed class ModelVersionEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<(string Name, string RunId)> ModelWithRunAsync()
    {
        var name = Unique("mv");
        await _client.CreateRegisteredModelAsync(name);
        return (name, await _client.CreateRunAsync("0"));
    }

    [Fact]
    public async Task Create_FromRun_ReturnsReadyVersionOneWithResolvedSource()
    {
        var (name, runId) = await ModelWithRunAsync();

        var version = (await _client.OkAsync("model-versions/create",
            new { name, source = $"runs:/{runId}/model", run_id = runId, description = "first", run_link = "http://ci/1", tags = new[] { new { key = "k", value = "v" } } }))["model_version"]!;

        Assert.Equal("1", (string)version["version"]!);
        Assert.Equal(name, (string)version["name"]!);
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", (string)version["source"]!);
        Assert.Equal(runId, (string)version["run_id"]!);
        Assert.Equal("READY", (string)version["status"]!);
        Assert.Equal("None", (string)version["current_stage"]!);
        Assert.Equal("first", (string)version["description"]!);
        Assert.Equal("http://ci/1", (string)version["run_link"]!);
        Assert.Equal("v", (string)version["tags"]![0]!["value"]!);
    }

    [Fact]
    public async Task Create_AfterDelete_NeverReusesANumber()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);
        await _client.CreateModelVersionAsync(name, runId);
        await _client.SendOkAsync(HttpMethod.Delete, "model-versions/delete", new { name, version = "2" });

        var third = await _client.CreateModelVersionAsync(name, runId);

        Assert.Equal("3", (string)third["version"]!);
    }

    [Fact]
    public async Task Create_UnknownModel_Returns404()
    {
        var runId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name = Unique("none"), source = $"runs:/{runId}/model" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Create_MissingSource_Returns400NamingSource()
    {
        var (name, _) = await ModelWithRunAsync();

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version=99", HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData("version=abc", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    [InlineData("", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE")]
    public async Task Get_UnknownOrBadVersion_ReturnsError(string query, HttpStatusCode expected, string code)
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var (status, body) = await _client.GetJsonAsync($"model-versions/get?name={name}&{query}");

        Assert.Equal(expected, status);
        Assert.Equal(code, (string)body["error_code"]!);
    }

    [Fact]
    public async Task Update_Description_IsPatched()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var version = (await _client.SendOkAsync(HttpMethod.Patch, "model-versions/update", new { name, version = "1", description = "better" }))["model_version"]!;

        Assert.Equal("better", (string)version["description"]!);
    }

    [Fact]
    public async Task Delete_Version_RemovesItsAliases()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "1" });

        await _client.SendOkAsync(HttpMethod.Delete, "model-versions/delete", new { name, version = "1" });

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"model-versions/get?name={name}&version=1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetJsonAsync($"registered-models/alias?name={name}&alias=champion")).Status);
        var model = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Null(model["aliases"]);
    }

    [Fact]
    public async Task GetDownloadUri_ReturnsStoredArtifactsUri()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var body = await _client.GetOkAsync($"model-versions/get-download-uri?name={name}&version=1");

        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", (string)body["artifact_uri"]!);
    }

    [Fact]
    public async Task TransitionStage_AnyCase_StoresCanonicalStage()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var version = (await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "sTaGiNg" }))["model_version"]!;

        Assert.Equal("Staging", (string)version["current_stage"]!);
    }

    [Fact]
    public async Task TransitionStage_ArchiveExisting_ArchivesOthersInThatStage()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);
        await _client.CreateModelVersionAsync(name, runId);
        await _client.CreateModelVersionAsync(name, runId);
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" });
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "2", stage = "Staging" });

        await _client.OkAsync("model-versions/transition-stage", new { name, version = "3", stage = "Production", archive_existing_versions = true });

        async Task<string> StageOf(string v) =>
            (string)(await _client.GetOkAsync($"model-versions/get?name={name}&version={v}"))["model_version"]!["current_stage"]!;
        Assert.Equal("Archived", await StageOf("1"));
        Assert.Equal("Staging", await StageOf("2"));
        Assert.Equal("Production", await StageOf("3"));
    }

    [Fact]
    public async Task TransitionStage_InvalidStage_Returns400NamingStage()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var (status, body) = await _client.PostJsonAsync("model-versions/transition-stage", new { name, version = "1", stage = "Prod" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'stage'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetTagAndDeleteTag_RoundTrip()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        await _client.OkAsync("model-versions/set-tag", new { name, version = "1", key = "validated", value = "yes" });
        var tagged = (await _client.GetOkAsync($"model-versions/get?name={name}&version=1"))["model_version"]!;
        Assert.Equal("yes", (string)tagged["tags"]![0]!["value"]!);

        await _client.SendOkAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "1", key = "validated" });
        var untagged = (await _client.GetOkAsync($"model-versions/get?name={name}&version=1"))["model_version"]!;
        Assert.Null(untagged["tags"]);
    }

    [Fact]
    public async Task DeleteTag_MissingKey_Returns200EmptyLikeMlflow()
    {
        var (name, runId) = await ModelWithRunAsync();
        await _client.CreateModelVersionAsync(name, runId);

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "1", key = "never-set" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body.ToJsonString());
    }

    [Fact]
    public async Task DeleteTag_UnknownVersion_Returns404()
    {
        var (name, _) = await ModelWithRunAsync();

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "5", key = "k" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Equal($"Model Version (name={name}, version=5) not found", (string)body["message"]!);
    }

    [Fact]
    public async Task SetTag_UnknownVersion_Returns404()
    {
        var (name, _) = await ModelWithRunAsync();

        var (status, body) = await _client.PostJsonAsync("model-versions/set-tag", new { name, version = "5", key = "k", value = "v" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }
}
