using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Registry;

public sealed class RegisteredModelEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Create_NewName_ReturnsModelWithTagsAndDescription()
    {
        var name = Unique("model");

        var model = (await _client.OkAsync("registered-models/create",
            new { name, description = "churn", tags = new[] { new { key = "team", value = "ml" } } }))["registered_model"]!;

        Assert.Equal(name, (string)model["name"]!);
        Assert.Equal("churn", (string)model["description"]!);
        Assert.True((long)model["creation_timestamp"]! > 0);
        Assert.Equal("ml", (string)model["tags"]![0]!["value"]!);
        var fetched = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Equal(name, (string)fetched["name"]!);
    }

    [Fact]
    public async Task Create_DuplicateName_Returns400ResourceAlreadyExists()
    {
        var name = Unique("dup");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.PostJsonAsync("registered-models/create", new { name });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (string)body["error_code"]!);
    }

    [Theory]
    [InlineData("{}", "'name'")]
    [InlineData("""{"name": "a/b"}""", "'name'")]
    [InlineData("""{"name": "   "}""", "'name'")]
    public async Task Create_MissingOrBadName_Returns400NamingTheField(string json, string field)
    {
        var (status, body) = await _client.PostJsonAsync("registered-models/create", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains(field, (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownModel_Returns404()
    {
        var (status, body) = await _client.GetJsonAsync($"registered-models/get?name={Unique("missing")}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Rename_NewName_MovesModelAndItsVersions()
    {
        var name = Unique("old");
        var newName = Unique("new");
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        await _client.CreateModelVersionAsync(name, runId);

        var renamed = (await _client.OkAsync("registered-models/rename", new { name, new_name = newName }))["registered_model"]!;

        Assert.Equal(newName, (string)renamed["name"]!);
        var version = (await _client.GetOkAsync($"model-versions/get?name={newName}&version=1"))["model_version"]!;
        Assert.Equal(newName, (string)version["name"]!);
        var (status, _) = await _client.GetJsonAsync($"registered-models/get?name={name}");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Rename_ToExistingName_Returns400ResourceAlreadyExists()
    {
        var first = Unique("a");
        var second = Unique("b");
        await _client.CreateRegisteredModelAsync(first);
        await _client.CreateRegisteredModelAsync(second);

        var (status, body) = await _client.PostJsonAsync("registered-models/rename", new { name = first, new_name = second });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (string)body["error_code"]!);
    }

    [Fact]
    public async Task Update_Description_IsPatched()
    {
        var name = Unique("upd");
        await _client.CreateRegisteredModelAsync(name);

        var model = (await _client.SendOkAsync(HttpMethod.Patch, "registered-models/update", new { name, description = "v2" }))["registered_model"]!;

        Assert.Equal("v2", (string)model["description"]!);
    }

    [Fact]
    public async Task Delete_Model_RemovesItAndItsVersions()
    {
        var name = Unique("del");
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        await _client.CreateModelVersionAsync(name, runId);

        await _client.SendOkAsync(HttpMethod.Delete, "registered-models/delete", new { name });

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"registered-models/get?name={name}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"model-versions/get?name={name}&version=1")).Status);
        var (status, _) = await _client.SendJsonAsync(HttpMethod.Delete, "registered-models/delete", new { name });
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task SetTagAndDeleteTag_RoundTrip()
    {
        var name = Unique("tags");
        await _client.CreateRegisteredModelAsync(name);

        await _client.OkAsync("registered-models/set-tag", new { name, key = "owner", value = "ana" });
        var tagged = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Equal("ana", (string)tagged["tags"]![0]!["value"]!);

        await _client.SendOkAsync(HttpMethod.Delete, "registered-models/delete-tag", new { name, key = "owner" });
        var untagged = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Null(untagged["tags"]);
    }

    [Fact]
    public async Task DeleteTag_MissingKey_Returns200EmptyLikeMlflow()
    {
        var name = Unique("tags-missing");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "registered-models/delete-tag", new { name, key = "never-set" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body.ToJsonString());
    }

    [Fact]
    public async Task DeleteTag_UnknownModel_Returns404()
    {
        var name = Unique("tags-absent");

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "registered-models/delete-tag", new { name, key = "owner" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Equal($"Registered Model with name={name} not found", (string)body["message"]!);
    }

    [Fact]
    public async Task Alias_SetGetDelete_RoundTrip()
    {
        var name = Unique("alias");
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        await _client.CreateModelVersionAsync(name, runId);
        await _client.CreateModelVersionAsync(name, runId);

        await _client.OkAsync("registered-models/alias", new { name, alias = "champion", version = "2" });

        var version = (await _client.GetOkAsync($"registered-models/alias?name={name}&alias=champion"))["model_version"]!;
        Assert.Equal("2", (string)version["version"]!);
        Assert.Equal("champion", (string)version["aliases"]![0]!);
        var model = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Equal("champion", (string)model["aliases"]![0]!["alias"]!);
        Assert.Equal("2", (string)model["aliases"]![0]!["version"]!);

        await _client.SendOkAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" });
        var (status, body) = await _client.GetJsonAsync($"registered-models/alias?name={name}&alias=champion");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Equal("Registered model alias champion not found.", (string)body["message"]!);
    }

    [Fact]
    public async Task GetByAlias_UnknownModel_Returns400AliasNotFoundLikeMlflow()
    {
        // MLflow looks the alias up by (name, alias) alone, so an unknown model gets the same answer.
        var name = Unique("alias-absent");

        var (status, body) = await _client.GetJsonAsync($"registered-models/alias?name={name}&alias=champion");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Equal("Registered model alias champion not found.", (string)body["message"]!);
    }

    [Fact]
    public async Task DeleteAlias_Missing_Returns200EmptyLikeMlflow()
    {
        var name = Unique("alias-del");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "never-set" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{}", body.ToJsonString());
    }

    [Fact]
    public async Task DeleteAlias_UnknownModel_Returns404()
    {
        var name = Unique("alias-del-absent");

        var (status, body) = await _client.SendJsonAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
        Assert.Equal($"Registered Model with name={name} not found", (string)body["message"]!);
    }

    [Fact]
    public async Task Alias_OnMissingVersion_Returns404()
    {
        var name = Unique("alias-missing");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.PostJsonAsync("registered-models/alias", new { name, alias = "champion", version = "7" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("has space")]
    public async Task Alias_ReservedOrBadName_Returns400NamingAlias(string alias)
    {
        var name = Unique("alias-bad");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.PostJsonAsync("registered-models/alias", new { name, alias, version = "1" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains("'alias'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLatestVersions_ReturnsNewestPerStage()
    {
        var name = Unique("latest");
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateModelVersionAsync(name, runId);
        }
        await _client.OkAsync("model-versions/transition-stage", new { name, version = "1", stage = "Production" });

        var all = (await _client.OkAsync("registered-models/get-latest-versions", new { name }))["model_versions"]!.AsArray();
        var production = (await _client.OkAsync("registered-models/get-latest-versions", new { name, stages = new[] { "production" } }))["model_versions"]!.AsArray();

        Assert.Equal(new[] { "1", "3" }, all.Select(v => (string)v!["version"]!).Order(StringComparer.Ordinal));
        Assert.Equal("1", (string)Assert.Single(production)!["version"]!);
        var model = (await _client.GetOkAsync($"registered-models/get?name={name}"))["registered_model"]!;
        Assert.Equal(2, model["latest_versions"]!.AsArray().Count);
    }

    [Fact]
    public async Task GetLatestVersions_UnknownStage_Returns400()
    {
        var name = Unique("latest-bad");
        await _client.CreateRegisteredModelAsync(name);

        var (status, body) = await _client.PostJsonAsync("registered-models/get-latest-versions", new { name, stages = new[] { "Prod" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'stages'", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AjaxPrefix_ServesTheSameApi()
    {
        var name = Unique("ajax");
        await _client.CreateRegisteredModelAsync(name);

        using var response = await _client.GetAsync($"ajax-api/2.0/mlflow/registered-models/get?name={name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delete_FieldsInQueryStringWithoutBody_IsAccepted()
    {
        var name = Unique("del-query");
        await _client.CreateRegisteredModelAsync(name);

        using var response = await _client.DeleteAsync($"{MlflowHttp.Api}registered-models/delete?name={name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetJsonAsync($"registered-models/get?name={name}")).Status);
    }
}
