using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

public sealed class ExperimentEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Create_NewName_ReturnsIdAndProxyArtifactLocation()
    {
        var name = Unique("exp");
        var id = await _client.CreateExperimentAsync(name);

        var experiment = (await _client.GetOkAsync($"experiments/get?experiment_id={id}"))["experiment"]!;
        Assert.Equal(name, (string)experiment["name"]!);
        Assert.Equal($"mlflow-artifacts:/{id}", (string)experiment["artifact_location"]!);
        Assert.Equal("active", (string)experiment["lifecycle_stage"]!);
        Assert.True((long)experiment["creation_time"]! > 0);
    }

    [Fact]
    public async Task Create_DuplicateName_Returns400ResourceAlreadyExists()
    {
        var name = Unique("dup");
        await _client.CreateExperimentAsync(name);

        var (status, body) = await _client.PostJsonAsync("experiments/create", new { name });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (string)body["error_code"]!);
        Assert.Contains(name, (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingName_Returns400NamingTheField()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/create", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'name'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NameOfWrongType_Returns400NamingTheField()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/create", """{"name": 123}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'name'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MalformedJson_Returns400AndCreatesNothing()
    {
        var name = Unique("malformed");
        var (status, body) = await _client.PostJsonAsync("experiments/create", $$"""{"name": "{{name}}" """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        var (lookup, _) = await _client.GetJsonAsync($"experiments/get-by-name?experiment_name={name}");
        Assert.Equal(HttpStatusCode.NotFound, lookup);
    }

    [Theory]
    [InlineData("file:///etc")]
    [InlineData("/var/lib/keel")]
    [InlineData("mlflow-artifacts:/../../etc")]
    [InlineData("s3://someone-elses-bucket/x")]
    public async Task Create_ArtifactLocationOutsideTheStore_Returns400(string location)
    {
        var (status, body) = await _client.PostJsonAsync("experiments/create", new { name = Unique("loc"), artifact_location = location });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("artifact_location", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404ResourceDoesNotExist()
    {
        var (status, body) = await _client.GetJsonAsync("experiments/get?experiment_id=987654");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Get_MissingId_Returns400()
    {
        var (status, body) = await _client.GetJsonAsync("experiments/get");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("experiment_id", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_DefaultExperiment_Exists()
    {
        var experiment = (await _client.GetOkAsync("experiments/get?experiment_id=0"))["experiment"]!;

        Assert.Equal("Default", (string)experiment["name"]!);
        Assert.Equal("mlflow-artifacts:/0", (string)experiment["artifact_location"]!);
    }

    [Fact]
    public async Task GetByName_KnownAndUnknown_ReturnsExperimentOr404()
    {
        var name = Unique("byname");
        var id = await _client.CreateExperimentAsync(name);

        var found = await _client.GetOkAsync($"experiments/get-by-name?experiment_name={name}");
        var (status, body) = await _client.GetJsonAsync($"experiments/get-by-name?experiment_name={name}-missing");

        Assert.Equal(id, (string)found["experiment"]!["experiment_id"]!);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Search_PagesThroughAllMatches_WithPageTokens()
    {
        var prefix = Unique("page");
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await _client.CreateExperimentAsync($"{prefix}-{i}"));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = await _client.OkAsync("experiments/search", new { max_results = 3, filter = $"name LIKE '{prefix}%'", order_by = new[] { "name ASC" }, page_token = token });
            seen.AddRange(body["experiments"]!.AsArray().Select(e => (string)e!["name"]!));
            token = (string?)body["next_page_token"];
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"{prefix}-{i}"), seen);
    }

    [Fact]
    public async Task Search_ByTagAndGetVerb_FindsOnlyTagged()
    {
        var tagged = await _client.CreateExperimentAsync(Unique("tagged"));
        await _client.CreateExperimentAsync(Unique("untagged"));
        var team = Unique("team");
        await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = tagged, key = "team", value = team });

        var body = await _client.GetOkAsync($"experiments/search?filter={Uri.EscapeDataString($"tags.team = '{team}'")}&max_results=10");

        var ids = body["experiments"]!.AsArray().Select(e => (string)e!["experiment_id"]!).ToArray();
        Assert.Equal([tagged], ids);
    }

    [Fact]
    public async Task Search_InvalidFilter_Returns400WithPosition()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/search", new { filter = "name === 'x'" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("position", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_MaxResultsTooLarge_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/search", new { max_results = 50001 });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("max_results", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_BadPageToken_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/search", new { page_token = "not-a-token" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
    }

    [Fact]
    public async Task DeleteAndRestore_MovesBetweenViewTypes()
    {
        var name = Unique("lifecycle");
        var id = await _client.CreateExperimentAsync(name);
        var filter = $"name = '{name}'";

        await _client.OkAsync("experiments/delete", new { experiment_id = id });
        var active = await _client.OkAsync("experiments/search", new { filter });
        var deleted = await _client.OkAsync("experiments/search", new { filter, view_type = "DELETED_ONLY" });
        var stage = (string)(await _client.GetOkAsync($"experiments/get?experiment_id={id}"))["experiment"]!["lifecycle_stage"]!;
        await _client.OkAsync("experiments/restore", new { experiment_id = id });
        var restored = await _client.OkAsync("experiments/search", new { filter, view_type = "ACTIVE_ONLY" });

        Assert.Null(active["experiments"]);
        Assert.Single(deleted["experiments"]!.AsArray());
        Assert.Equal("deleted", stage);
        Assert.Single(restored["experiments"]!.AsArray());
    }

    [Fact]
    public async Task Delete_DefaultExperiment_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/delete", new { experiment_id = "0" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Delete_UnknownExperiment_Returns404()
    {
        var (status, body) = await _client.PostJsonAsync("experiments/delete", new { experiment_id = "424242" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Update_Rename_ChangesNameAndRejectsTakenName()
    {
        var id = await _client.CreateExperimentAsync(Unique("old"));
        var taken = Unique("taken");
        await _client.CreateExperimentAsync(taken);
        var newName = Unique("new");

        await _client.OkAsync("experiments/update", new { experiment_id = id, new_name = newName });
        var (status, body) = await _client.PostJsonAsync("experiments/update", new { experiment_id = id, new_name = taken });

        Assert.Equal(newName, (string)(await _client.GetOkAsync($"experiments/get?experiment_id={id}"))["experiment"]!["name"]!);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Update_MissingNewName_Returns400()
    {
        var id = await _client.CreateExperimentAsync(Unique("rename"));

        var (status, body) = await _client.PostJsonAsync("experiments/update", new { experiment_id = id });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("new_name", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetExperimentTag_Overwrites_AndInvalidKeyIsRejected()
    {
        var id = await _client.CreateExperimentAsync(Unique("tags"));
        await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "1" });
        await _client.OkAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "2" });
        var (status, _) = await _client.PostJsonAsync("experiments/set-experiment-tag", new { experiment_id = id, key = "bad!key", value = "x" });

        var tags = (await _client.GetOkAsync($"experiments/get?experiment_id={id}"))["experiment"]!["tags"]!.AsArray();
        Assert.Equal("2", (string)tags.Single(t => (string)t!["key"]! == "k")!["value"]!);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task AjaxPrefix_ServesTheSameApi()
    {
        var name = Unique("ajax");
        using var content = new StringContent(new JsonObject { ["name"] = name }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("ajax-api/2.0/mlflow/experiments/create", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(await _client.GetOkAsync($"experiments/get-by-name?experiment_name={name}"));
    }

    [Fact]
    public async Task UnknownEndpoint_Returns404EndpointNotFound()
    {
        var (status, body) = await _client.GetJsonAsync("experiments/frobnicate");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ENDPOINT_NOT_FOUND", (string)body["error_code"]!);
    }
}
