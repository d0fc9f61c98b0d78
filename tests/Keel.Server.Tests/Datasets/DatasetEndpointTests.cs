using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Datasets;

/// <summary>The dataset registry over HTTP: datasets, versions, tags, pagination and the by-manifest lookup.</summary>
public sealed class DatasetEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<JsonNode> VersionAsync(string name, string manifest, long size, object? extra = null)
    {
        var body = new JsonObject
        {
            ["manifest_hash"] = manifest,
            ["size"] = size,
            ["file_count"] = 1,
            ["kind"] = "file",
            ["source"] = "data/train.csv.keel",
            ["tags"] = new JsonArray(new JsonObject { ["key"] = "stage", ["value"] = "raw" }),
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }
        return await _client.OkAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions", body.ToJsonString());
    }

    [Fact]
    public async Task CreateGetUpdateDelete_RoundTrips()
    {
        var name = $"ds-{Guid.NewGuid():N}";

        var created = await _client.OkAsync(HttpMethod.Post, DatasetHttp.Datasets, new { name, description = "raw", tags = new[] { new { key = "team", value = "ml" } } });
        var updated = await _client.OkAsync(HttpMethod.Patch, DatasetHttp.Path(name), new { description = "clean" });
        var got = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name));
        await _client.OkAsync(HttpMethod.Delete, DatasetHttp.Path(name));
        var (status, gone) = await _client.SendAsync(HttpMethod.Get, DatasetHttp.Path(name));

        Assert.Equal("raw", created["description"]!.GetValue<string>());
        Assert.Null(created["latest_version"]);
        Assert.Equal("clean", updated["description"]!.GetValue<string>());
        Assert.Equal("team", got["tags"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", gone["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_TakenName_Is400AlreadyExists()
    {
        var name = await _client.NewDatasetAsync();

        var (status, body) = await _client.SendAsync(HttpMethod.Post, DatasetHttp.Datasets, new { name });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", body["error_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Versions_AreNumberedListedNewestFirstAndFoundByManifest()
    {
        var name = await _client.NewDatasetAsync();
        var (first, size1) = await _client.PushFileAsync();
        var (second, size2) = await _client.PushFileAsync();
        var profile = new { row_count = 2, columns = new[] { new { name = "a", type = "integer", count = 2, nulls = 0 } } };

        var v1 = await VersionAsync(name, first, size1, new { profile });
        var v2 = await VersionAsync(name, second, size2);
        var page1 = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name) + "/versions?max_results=1");
        var page2 = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name) + "/versions?max_results=1&page_token=" + Uri.EscapeDataString(page1["next_page_token"]!.GetValue<string>()));
        var got = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name) + "/versions/1");
        var byManifest = await _client.OkAsync(HttpMethod.Get, "api/keel/v1/dataset-versions?manifest_hash=" + second);
        var dataset = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name));

        Assert.Equal(1, v1["version"]!.GetValue<long>());
        Assert.Equal(2, v2["version"]!.GetValue<long>());
        Assert.Equal(2, page1["dataset_versions"]![0]!["version"]!.GetValue<long>());
        Assert.Null(page1["dataset_versions"]![0]!["profile"]);
        Assert.Equal(1, page2["dataset_versions"]![0]!["version"]!.GetValue<long>());
        Assert.Null(page2["next_page_token"]);
        Assert.Equal(2, got["row_count"]!.GetValue<long>());
        Assert.Equal("integer", got["schema"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(2, got["profile"]!["row_count"]!.GetValue<long>());
        Assert.Equal("raw", got["tags"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(2, Assert.Single(byManifest["dataset_versions"]!.AsArray())!["version"]!.GetValue<long>());
        Assert.Equal(2, dataset["latest_version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Tags_SetAndDeleteOnDatasetAndVersion()
    {
        var name = await _client.NewDatasetAsync();
        var (manifest, size) = await _client.PushFileAsync();
        await VersionAsync(name, manifest, size);

        await _client.OkAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/tags", new { key = "owner", value = "ana" });
        await _client.OkAsync(HttpMethod.Post, DatasetHttp.Path(name) + "/versions/1/tags", new { key = "quality/checked", value = "yes" });
        await _client.OkAsync(HttpMethod.Delete, DatasetHttp.Path(name) + "/versions/1/tags?key=stage");
        var dataset = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name));
        var version = await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name) + "/versions/1");
        await _client.OkAsync(HttpMethod.Delete, DatasetHttp.Path(name) + "/tags?key=owner");

        Assert.Equal("ana", dataset["tags"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(["quality/checked"], version["tags"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
        Assert.Empty((await _client.OkAsync(HttpMethod.Get, DatasetHttp.Path(name)))["tags"]!.AsArray());
    }

    [Fact]
    public async Task List_FiltersByPrefixAndPaginates()
    {
        var prefix = $"list-{Guid.NewGuid():N}-";
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            await _client.OkAsync(HttpMethod.Post, DatasetHttp.Datasets, new { name = prefix + suffix });
        }

        var first = await _client.OkAsync(HttpMethod.Get, $"{DatasetHttp.Datasets}?name_prefix={prefix}&max_results=2");
        var rest = await _client.OkAsync(HttpMethod.Get,
            $"{DatasetHttp.Datasets}?name_prefix={prefix}&max_results=2&page_token={Uri.EscapeDataString(first["next_page_token"]!.GetValue<string>())}");

        Assert.Equal([prefix + "a", prefix + "b"], first["datasets"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
        Assert.Equal([prefix + "c"], rest["datasets"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Version_WithExistingRun_IsLinked()
    {
        var name = await _client.NewDatasetAsync();
        var runId = await _client.CreateRunAsync(await _client.CreateExperimentAsync($"ds-exp-{Guid.NewGuid():N}"));
        var (manifest, size) = await _client.PushFileAsync();

        var version = await VersionAsync(name, manifest, size, new { run_id = runId });

        Assert.Equal(runId, version["run_id"]!.GetValue<string>());
    }
}
