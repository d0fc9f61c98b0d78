using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.ModelUris;

public sealed class ResolveModelUriTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<(HttpStatusCode Status, JsonNode Body)> ResolveAsync(string uri)
    {
        using var response = await _client.GetAsync("api/keel/v1/model-uris/resolve?uri=" + Uri.EscapeDataString(uri), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonNode.Parse(text)!);
    }

    private async Task<JsonNode> ResolveOkAsync(string uri)
    {
        var (status, body) = await ResolveAsync(uri);
        Assert.True(status == HttpStatusCode.OK, $"{uri} answered {(int)status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>A model with versions 1 (Production), 2 (Staging, alias 'champion') and 3 (None), all from one run.</summary>
    private async Task<(string Name, string RunId, string ArtifactRoot)> NewModelAsync()
    {
        var experimentId = await _client.CreateExperimentAsync($"uri-{Guid.NewGuid():N}");
        var runId = await _client.CreateRunAsync(experimentId);
        var run = await _client.GetOkAsync($"runs/get?run_id={runId}");
        var name = $"uri-model-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateModelVersionAsync(name, runId);
        }
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" });
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "2", stage = "Staging" });
        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "2" });
        return (name, runId, (string)run["run"]!["info"]!["artifact_uri"]!);
    }

    [Fact]
    public async Task Resolve_VersionUri_ReturnsSourceVersionAndRun()
    {
        var (name, runId, root) = await NewModelAsync();

        var body = await ResolveOkAsync($"models:/{name}/3");

        Assert.Equal($"{root}/model", (string)body["artifact_uri"]!);
        Assert.Equal(name, (string)body["model_name"]!);
        Assert.Equal("3", (string)body["version"]!);
        Assert.Equal(runId, (string)body["run_id"]!);
    }

    [Theory]
    [InlineData("@champion", "2")]
    [InlineData("/Production", "1")]
    [InlineData("/production", "1")]
    [InlineData("/staging", "2")]
    [InlineData("/None", "3")]
    [InlineData("/latest", "3")]
    public async Task Resolve_AliasStageAndLatest_PickTheRightVersion(string suffix, string version)
    {
        var (name, _, _) = await NewModelAsync();

        var body = await ResolveOkAsync($"models:/{name}{suffix}");

        Assert.Equal(version, (string)body["version"]!);
    }

    [Fact]
    public async Task Resolve_StageAfterNewerTransition_PicksNewestInStage()
    {
        var (name, _, _) = await NewModelAsync();
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "3", stage = "Production" });

        var body = await ResolveOkAsync($"models:/{name}/Production");

        Assert.Equal("3", (string)body["version"]!);
    }

    [Fact]
    public async Task Resolve_RunsUri_ReturnsArtifactLocationAndRunWithNullModel()
    {
        var (_, runId, root) = await NewModelAsync();

        var body = await ResolveOkAsync($"runs:/{runId}/model/sub");

        Assert.Equal($"{root}/model/sub", (string)body["artifact_uri"]!);
        Assert.Equal(runId, (string)body["run_id"]!);
        Assert.Null(body["model_name"]);
        Assert.Null(body["version"]);
        Assert.True(((JsonObject)body).ContainsKey("model_name"), "Keel's API writes absent values as null.");
    }

    [Fact]
    public async Task Resolve_ArtifactsUri_ReturnsItUnchanged()
    {
        var body = await ResolveOkAsync("mlflow-artifacts:/0/abc/artifacts/model");

        Assert.Equal("mlflow-artifacts:/0/abc/artifacts/model", (string)body["artifact_uri"]!);
        Assert.Null(body["run_id"]);
    }

    [Theory]
    [InlineData("models:/{0}-missing/1", "Model Version (name={0}-missing, version=1) not found")]
    [InlineData("models:/{0}-missing@champion", "Registered Model with name={0}-missing not found")]
    [InlineData("models:/{0}-missing/latest", "Registered Model with name={0}-missing not found")]
    [InlineData("models:/{0}/9", "version=9")]
    [InlineData("models:/{0}@nobody", "Registered model '{0}' has no alias 'nobody'.")]
    [InlineData("models:/{0}/Archived", "no version in stage 'Archived'")]
    public async Task Resolve_UnknownModelVersionAliasOrEmptyStage_Returns404(string template, string message)
    {
        var (name, _, _) = await NewModelAsync();

        var (status, body) = await ResolveAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, name));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, name), (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_ModelWithoutVersions_LatestReturns404()
    {
        var name = $"empty-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await ResolveAsync($"models:/{name}/latest");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("has no versions", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_UnknownRun_Returns404()
    {
        var (status, body) = await ResolveAsync($"runs:/{Guid.NewGuid():N}/model");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Theory]
    [InlineData("models:/m")]
    [InlineData("models:/m/0")]
    [InlineData("models:/m/Prod")]
    [InlineData("models:/m/1/extra")]
    [InlineData("models:/m@")]
    [InlineData("models://host/m/1")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("http://evil/model")]
    [InlineData("s3://bucket/model")]
    [InlineData("runs://evil/abc/model")]
    [InlineData("runs:/abc/../../etc")]
    [InlineData("runs:/abc/%2e%2e/x")]
    [InlineData("mlflow-artifacts://evil/x")]
    [InlineData("mlflow-artifacts:/0/../../x")]
    [InlineData("mlflow-artifacts:/0/%252e%252e/x")]
    [InlineData("mlflow-artifacts:/0\\x")]
    [InlineData("mlflow-artifacts:/0/x#frag")]
    [InlineData("")]
    public async Task Resolve_MalformedOrOutsideStore_Returns400NamingUri(string uri)
    {
        var (status, body) = await ResolveAsync(uri);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'uri'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NoUriParameter_Returns400()
    {
        using var response = await _client.GetAsync("api/keel/v1/model-uris/resolve", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
