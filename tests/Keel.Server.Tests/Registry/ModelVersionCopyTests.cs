using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Registry;

/// <summary>
/// MLflow's <c>MlflowClient.copy_model_version</c> registers a version whose source is <c>models:/&lt;name&gt;/&lt;version&gt;</c>;
/// found by hand with the MLflow 2.10.2 client, which failed with "may not yet support model version URI sources".
/// </summary>
public sealed class ModelVersionCopyTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Create_ModelsUriSource_CopiesTheVersionsSourceAndRun()
    {
        var (source, runId) = await VersionWithRunAsync();
        var copy = Unique("copy");
        await _client.CreateRegisteredModelAsync(copy);

        var version = (await _client.OkAsync("model-versions/create", new { name = copy, source = $"models:/{source}/1", run_id = runId }))["model_version"]!;
        var withoutRun = (await _client.OkAsync("model-versions/create", new { name = copy, source = $"models:/{source}/1" }))["model_version"]!;

        Assert.Equal("1", (string)version["version"]!);
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", (string)version["source"]!);
        Assert.Equal(runId, (string)version["run_id"]!);
        Assert.Equal((string)version["source"]!, (string)withoutRun["source"]!);
        Assert.Equal(runId, (string)withoutRun["run_id"]!);
        var uri = await _client.GetOkAsync($"model-versions/get-download-uri?name={copy}&version=1");
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", (string)uri["artifact_uri"]!);
    }

    [Theory]
    [InlineData("models:/{0}/2", "does not exist")]
    [InlineData("models:/{0}-missing/1", "does not exist")]
    [InlineData("models:/{0}@champion", "must name one version")]
    [InlineData("models:/{0}/latest", "must name one version")]
    [InlineData("models:/{0}/Production", "must name one version")]
    [InlineData("models:/{0}/1/MLmodel", "paths below a model version")]
    [InlineData("models://host/{0}/1", "another registry or host")]
    public async Task Create_ModelsUriThatIsNotOneExistingVersion_Returns400NamingSource(string template, string rule)
    {
        var (source, _) = await VersionWithRunAsync();
        var copy = Unique("copy");
        await _client.CreateRegisteredModelAsync(copy);

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name = copy, source = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, source) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'source'", (string)body["message"]!, StringComparison.Ordinal);
        Assert.Contains(rule, (string)body["message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"model-versions/get?name={copy}&version=1")).Status);
    }

    [Fact]
    public async Task Create_ModelsUriWithAnotherRunId_IsRefusedLikeAnyForeignSource()
    {
        var (source, _) = await VersionWithRunAsync();
        var copy = Unique("copy");
        await _client.CreateRegisteredModelAsync(copy);
        var otherRun = await _client.CreateRunAsync("0");

        var (status, body) = await _client.PostJsonAsync("model-versions/create", new { name = copy, source = $"models:/{source}/1", run_id = otherRun });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"artifact root of run '{otherRun}'", (string)body["message"]!, StringComparison.Ordinal);
    }

    private async Task<(string Name, string RunId)> VersionWithRunAsync()
    {
        var name = Unique("orig");
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        await _client.CreateModelVersionAsync(name, runId);
        return (name, runId);
    }
}
