using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Deployments;

public sealed class DeploymentEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string NewName() => $"dep-{Guid.NewGuid():N}";

    private async Task<(string Name, string Model)> CreateAsync(double champion = 90)
    {
        var model = await _client.NewModelAsync();
        var name = NewName();
        await _client.OkAsync(HttpMethod.Post, DeploymentHttp.Root, new { name, spec = DeploymentHttp.Spec(model, champion, 100 - champion) });
        return (name, model);
    }

    private static double ChampionWeight(JsonNode deployment) => deployment["spec"]!["routes"]![0]!["weight"]!.GetValue<double>();

    [Fact]
    public async Task Create_ValidSpec_AnswersTheDeploymentAtRevisionOne()
    {
        var model = await _client.NewModelAsync();
        var name = NewName();

        var (status, body) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Root, new { name, spec = DeploymentHttp.Spec(model) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, body["name"]!.GetValue<string>());
        Assert.Equal(1, body["revision"]!.GetValue<long>());
        Assert.True(body["created_at"]!.GetValue<long>() > 0);
        Assert.Equal(body["created_at"]!.GetValue<long>(), body["updated_at"]!.GetValue<long>());
        var spec = body["spec"]!;
        Assert.Equal("champion", spec["routes"]![0]!["name"]!.GetValue<string>());
        Assert.Equal($"models:/{model}@champion", spec["routes"]![0]!["model_uri"]!.GetValue<string>());
        Assert.Equal(90, spec["routes"]![0]!["weight"]!.GetValue<double>());
        Assert.Equal("candidate", spec["shadows"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("X-User", spec["sticky_header"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_TakenName_IsRefused()
    {
        var (name, model) = await CreateAsync();

        var (status, body) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Root, new { name, spec = DeploymentHttp.Spec(model) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", body["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_RouteToAnUnknownModel_Is404NamingTheRoute()
    {
        var model = await _client.NewModelAsync();
        var spec = new { routes = new[] { new { name = "champion", model_uri = $"models:/{model}-typo@champion", weight = 1.0 } } };

        var (status, body) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Root, new { name = NewName(), spec });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body["error_code"]!.GetValue<string>());
        Assert.Contains("Route 'champion'", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"{model}-typo", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownAliasOrVersion_Is404()
    {
        var model = await _client.NewModelAsync();
        foreach (var uri in new[] { $"models:/{model}@nobody", $"models:/{model}/9" })
        {
            var spec = new { routes = new[] { new { name = "main", model_uri = uri, weight = 1.0 } } };

            var (status, body) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Root, new { name = NewName(), spec });

            Assert.True(status == HttpStatusCode.NotFound, body.ToJsonString());
        }
    }

    [Fact]
    public async Task Get_AnswersTheCurrentRevision()
    {
        var (name, _) = await CreateAsync();

        var body = await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name));

        Assert.Equal(name, body["name"]!.GetValue<string>());
        Assert.Equal(1, body["revision"]!.GetValue<long>());
        Assert.Equal(90, ChampionWeight(body));
    }

    [Fact]
    public async Task List_ContainsTheDeploymentsByName()
    {
        var (first, _) = await CreateAsync();
        var (second, _) = await CreateAsync();

        var body = await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Root);

        var names = body["deployments"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToList();
        Assert.Contains(first, names);
        Assert.Contains(second, names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Put_And_Patch_AddRevisions()
    {
        var (name, model) = await CreateAsync();

        var put = await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 50, 50) });
        var patch = await _client.OkAsync(HttpMethod.Patch, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 10, 90, sticky: null) });

        Assert.Equal(2, put["revision"]!.GetValue<long>());
        Assert.Equal(50, ChampionWeight(put));
        Assert.Equal(3, patch["revision"]!.GetValue<long>());
        Assert.Null(patch["spec"]!["sticky_header"]);
        Assert.Equal(10, ChampionWeight(await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name))));
    }

    [Fact]
    public async Task Put_TheAnswerOfGet_IsAcceptedAsIs()
    {
        var (name, _) = await CreateAsync();
        var current = await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name));

        var again = await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), current.ToJsonString());

        Assert.Equal(2, again["revision"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(current["spec"], again["spec"]));
    }

    [Fact]
    public async Task History_ListsRevisionsNewestFirst()
    {
        var (name, model) = await CreateAsync();
        await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 50, 50) });

        var body = await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name) + "/history");

        var revisions = body["revisions"]!.AsArray();
        Assert.Equal([2L, 1L], revisions.Select(r => r!["revision"]!.GetValue<long>()));
        Assert.Equal([50d, 90d], revisions.Select(r => ChampionWeight(r!)));
        Assert.All(revisions, r => Assert.Equal(name, r!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rollback_RestoresThePreviousSpecAsANewRevision()
    {
        var (name, model) = await CreateAsync();
        await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 50, 50) });

        var rolledBack = await _client.OkAsync(HttpMethod.Post, DeploymentHttp.Path(name) + "/rollback");
        var history = await _client.OkAsync(HttpMethod.Get, DeploymentHttp.Path(name) + "/history");

        Assert.Equal(3, rolledBack["revision"]!.GetValue<long>());
        Assert.Equal(90, ChampionWeight(rolledBack));
        Assert.Equal(3, history["revisions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Rollback_ToRevision_RestoresThatOne()
    {
        var (name, model) = await CreateAsync();
        await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 50, 50) });
        await _client.OkAsync(HttpMethod.Put, DeploymentHttp.Path(name), new { spec = DeploymentHttp.Spec(model, 20, 80) });

        var restored = await _client.OkAsync(HttpMethod.Post, DeploymentHttp.Path(name) + "/rollback", new { revision = 1 });
        var (missingStatus, _) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Path(name) + "/rollback", new { revision = 42 });

        Assert.Equal(4, restored["revision"]!.GetValue<long>());
        Assert.Equal(90, ChampionWeight(restored));
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
    }

    [Fact]
    public async Task Rollback_WithoutHistory_Is400InvalidState()
    {
        var (name, _) = await CreateAsync();

        var (status, body) = await _client.SendAsync(HttpMethod.Post, DeploymentHttp.Path(name) + "/rollback", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_STATE", body["error_code"]!.GetValue<string>());
        Assert.Contains("no earlier revision", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesTheDeployment()
    {
        var (name, _) = await CreateAsync();

        var deleted = await _client.OkAsync(HttpMethod.Delete, DeploymentHttp.Path(name));
        var (status, _) = await _client.SendAsync(HttpMethod.Get, DeploymentHttp.Path(name));

        Assert.Equal("{}", deleted.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PUT", "")]
    [InlineData("PATCH", "")]
    [InlineData("DELETE", "")]
    [InlineData("GET", "/history")]
    [InlineData("POST", "/rollback")]
    public async Task UnknownName_Is404(string method, string suffix)
    {
        var model = await _client.NewModelAsync();
        var body = method is "PUT" or "PATCH" ? new { spec = DeploymentHttp.Spec(model) } : null;

        var (status, json) = await _client.SendAsync(new HttpMethod(method), DeploymentHttp.Path("no-such-deployment") + suffix, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", json["error_code"]!.GetValue<string>());
        Assert.Equal("Deployment 'no-such-deployment' not found.", json["message"]!.GetValue<string>());
    }
}
