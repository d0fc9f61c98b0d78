using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Registry;

public sealed class RegistrySearchTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string Q(string text) => Uri.EscapeDataString(text);

    private async Task<string> PrefixWithModelsAsync(int count)
    {
        var prefix = $"search{Guid.NewGuid():N}";
        for (var i = 0; i < count; i++)
        {
            await _client.CreateRegisteredModelAsync($"{prefix}-{i}");
        }
        return prefix;
    }

    private static string[] Names(JsonNode body, string list) =>
        body[list]?.AsArray().Select(m => (string)m!["name"]!).ToArray() ?? [];

    [Fact]
    public async Task SearchModels_PagesThroughAllMatches()
    {
        var prefix = await PrefixWithModelsAsync(5);
        var filter = Q($"name LIKE '{prefix}-%'");

        var first = await _client.GetOkAsync($"registered-models/search?filter={filter}&max_results=2");
        var second = await _client.GetOkAsync($"registered-models/search?filter={filter}&max_results=2&page_token={Q((string)first["next_page_token"]!)}");
        var third = await _client.GetOkAsync($"registered-models/search?filter={filter}&max_results=2&page_token={Q((string)second["next_page_token"]!)}");

        var names = Names(first, "registered_models").Concat(Names(second, "registered_models")).Concat(Names(third, "registered_models"));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}"), names);
        Assert.Null(third["next_page_token"]);
    }

    [Fact]
    public async Task SearchModels_OrderByNameDesc_Reverses()
    {
        var prefix = await PrefixWithModelsAsync(3);

        var body = await _client.GetOkAsync($"registered-models/search?filter={Q($"name LIKE '{prefix}-%'")}&order_by={Q("name DESC")}");

        Assert.Equal([$"{prefix}-2", $"{prefix}-1", $"{prefix}-0"], Names(body, "registered_models"));
    }

    [Fact]
    public async Task SearchModels_ByExactNameILikeAndTag_Filters()
    {
        var prefix = await PrefixWithModelsAsync(3);
        await _client.OkAsync("registered-models/set-tag", new { name = $"{prefix}-1", key = "team", value = "fraud" });

        var exact = await _client.GetOkAsync($"registered-models/search?filter={Q($"name = '{prefix}-2'")}");
        var ilike = await _client.GetOkAsync($"registered-models/search?filter={Q($"name ILIKE '{prefix.ToUpperInvariant()}-0'")}");
        var tagged = await _client.GetOkAsync($"registered-models/search?filter={Q($"name LIKE '{prefix}-%' AND tags.team = 'fraud'")}");

        Assert.Equal([$"{prefix}-2"], Names(exact, "registered_models"));
        Assert.Equal([$"{prefix}-0"], Names(ilike, "registered_models"));
        Assert.Equal([$"{prefix}-1"], Names(tagged, "registered_models"));
    }

    [Theory]
    [InlineData("registered-models/search?filter=metrics.acc%20%3E%201")]
    [InlineData("registered-models/search?max_results=1001")]
    [InlineData("registered-models/search?order_by=version_number")]
    [InlineData("registered-models/search?page_token=garbage")]
    [InlineData("model-versions/search?filter=params.x%20%3D%20%271%27")]
    public async Task Search_BadArguments_Return400(string routeAndQuery)
    {
        var (status, body) = await _client.GetJsonAsync(routeAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
    }

    [Fact]
    public async Task SearchVersions_ByNameRunIdSourceAndTag_Filters()
    {
        var name = $"mvsearch-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        var runA = await _client.CreateRunAsync("0");
        var runB = await _client.CreateRunAsync("0");
        await _client.CreateModelVersionAsync(name, runA);
        await _client.CreateModelVersionAsync(name, runB);
        await _client.CreateModelVersionAsync(name, runB);
        await _client.OkAsync("model-versions/set-tag", new { name, version = "3", key = "validated", value = "true" });

        async Task<string[]> VersionsWhere(string filter) =>
            (await _client.GetOkAsync($"model-versions/search?filter={Q(filter)}"))["model_versions"]?.AsArray()
                .Select(v => (string)v!["version"]!).ToArray() ?? [];

        Assert.Equal(["3", "2", "1"], await VersionsWhere($"name = '{name}'"));
        Assert.Equal(["1"], await VersionsWhere($"name = '{name}' AND run_id = '{runA}'"));
        Assert.Equal(["3", "2", "1"], await VersionsWhere($"name = '{name}' AND run_id IN ('{runA}', '{runB}')"));
        Assert.Equal(["1"], await VersionsWhere($"source = 'mlflow-artifacts:/0/{runA}/artifacts/model'"));
        Assert.Equal(["3"], await VersionsWhere($"name = '{name}' AND tags.validated = 'true'"));
    }

    [Fact]
    public async Task SearchVersions_PagesWithOrderBy()
    {
        var name = $"mvpage-{Guid.NewGuid():N}";
        await _client.CreateRegisteredModelAsync(name);
        var runId = await _client.CreateRunAsync("0");
        for (var i = 0; i < 3; i++)
        {
            await _client.CreateModelVersionAsync(name, runId);
        }
        var filter = Q($"name = '{name}'");
        var order = Q("version_number ASC");

        var first = await _client.GetOkAsync($"model-versions/search?filter={filter}&order_by={order}&max_results=2");
        var second = await _client.GetOkAsync($"model-versions/search?filter={filter}&order_by={order}&max_results=2&page_token={Q((string)first["next_page_token"]!)}");

        var versions = first["model_versions"]!.AsArray().Concat(second["model_versions"]!.AsArray()).Select(v => (string)v!["version"]!);
        Assert.Equal(["1", "2", "3"], versions);
        Assert.Null(second["next_page_token"]);
    }
}
