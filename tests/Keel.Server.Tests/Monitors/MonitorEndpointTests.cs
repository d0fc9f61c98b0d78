using System.Net;
using System.Text.Json.Nodes;
using Keel.Testing;

namespace Keel.Server.Tests.Monitors;

public sealed class MonitorEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Create_Yaml_AnswersTheStoredMonitorWithItsNextRun()
    {
        var name = MonitorHttp.NewName();

        var (status, body) = await _client.SendYamlAsync(HttpMethod.Post, MonitorHttp.Root, $"""
            name: {name}
            deployment: churn
            reference: {"{"}kind: dataset, dataset: churn-train, version: 3{"}"}
            window: 90m
            schedule: "*/15 * * * *"
            feature_options:
              age: {"{"}method: psi, threshold: 0.2{"}"}
            alerts:
              - {"{"}name: drift, kind: drift{"}"}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(name, body["name"]!.GetValue<string>());
        Assert.Equal("churn", body["deployment"]!.GetValue<string>());
        var spec = body["spec"]!;
        Assert.Equal("dataset", spec["reference"]!["kind"]!.GetValue<string>());
        Assert.Equal(3, spec["reference"]!["version"]!.GetValue<long>());
        Assert.Equal("1h30m", spec["window"]!.GetValue<string>());
        Assert.Equal("psi", spec["feature_options"]!["age"]!["method"]!.GetValue<string>());
        Assert.Equal("drift", spec["alerts"]![0]!["kind"]!.GetValue<string>());
        var next = body["next_run_at"]!.GetValue<long>();
        Assert.True(next > body["created_at"]!.GetValue<long>());
        Assert.Equal(0, next % (15 * 60 * 1000));
    }

    [Fact]
    public async Task Create_Json_TakesTheSameShapeAsTheYaml()
    {
        var name = MonitorHttp.NewName();

        var body = await _client.OkAsync(HttpMethod.Post, MonitorHttp.Root,
            $$$"""{"name": "{{{name}}}", "deployment": "fraud", "window": "15m", "features": ["amount"], "reference": {"kind": "traffic", "offset": "1d"} }""");

        Assert.Equal("fraud", body["deployment"]!.GetValue<string>());
        Assert.Equal("traffic", body["spec"]!["reference"]!["kind"]!.GetValue<string>());
        Assert.Equal("1d", body["spec"]!["reference"]!["offset"]!.GetValue<string>());
        Assert.Null(body["next_run_at"]);
    }

    [Fact]
    public async Task GetAndList_AnswerTheMonitorFilteredByDeployment()
    {
        var deployment = MonitorHttp.NewName("dep");
        var first = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(first, deployment));
        await _client.CreateAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), "other"));

        var got = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{first}");
        var listed = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}?deployment={deployment}");

        Assert.Equal(deployment, got["deployment"]!.GetValue<string>());
        Assert.Equal(first, Assert.Single(listed["monitors"]!.AsArray())!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_Put_ReplacesTheSpec()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var (status, body) = await _client.SendYamlAsync(HttpMethod.Put, $"{MonitorHttp.Root}/{name}", "deployment: fraud\nwindow: 5m\n");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("fraud", body["deployment"]!.GetValue<string>());
        Assert.Equal("5m", (await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}"))["spec"]!["window"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_RemovesTheMonitorAndItsResults()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));
        await _client.OkAsync(HttpMethod.Post, $"{MonitorHttp.Root}/{name}/run");

        var deleted = await _client.OkAsync(HttpMethod.Delete, $"{MonitorHttp.Root}/{name}");

        Assert.Empty(deleted.AsObject());
        MonitorHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", name,
            await _client.SendTextAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/results", null));
    }

    [Fact]
    public async Task Run_EmptyWindow_StoresAResultSayingSoAtTheGivenTime()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name, MonitorHttp.NewName("silent")));

        var result = await _client.OkAsync(HttpMethod.Post, $"{MonitorHttp.Root}/{name}/run", """{"at": "2025-03-01T12:00:00Z"}""");
        var latest = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/latest");
        var results = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/results?since=2025-03-01T00:00:00Z&until=2025-03-02T00:00:00Z");
        var outside = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/results?since=2025-03-01T12:00:01Z");

        var runAt = DateTimeOffset.Parse("2025-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        Assert.Equal(runAt, result["run_at"]!.GetValue<long>());
        Assert.Equal(runAt - 3_600_000, result["window_start"]!.GetValue<long>());
        Assert.Contains("No predictions were logged", result["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(result["drift"]);
        Assert.Equal(0, result["serving"]!["requests"]!.GetValue<int>());
        Assert.Equal(runAt, latest["result"]!["run_at"]!.GetValue<long>());
        Assert.Single(results["results"]!.AsArray());
        Assert.Empty(outside["results"]!.AsArray());
    }

    [Fact]
    public async Task Run_WithoutBody_RunsNow()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        var result = await _client.OkAsync(HttpMethod.Post, $"{MonitorHttp.Root}/{name}/run");

        Assert.InRange(result["run_at"]!.GetValue<long>(), before, before + 60_000);
    }

    [Fact]
    public async Task Latest_BeforeTheFirstRun_IsNull()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var latest = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/latest");

        Assert.Null(latest["result"]);
    }

    [Fact]
    public async Task Alerts_FilteredByAnUnknownMonitor_IsEmpty()
    {
        var alerts = await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Alerts}?monitor={MonitorHttp.NewName()}&max_results=5");

        Assert.Empty(alerts["alerts"]!.AsArray());
    }

    [Fact]
    public async Task Metrics_ExposeTheLatestRunOfAMonitor()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));
        await _client.OkAsync(HttpMethod.Post, $"{MonitorHttp.Root}/{name}/run", """{"at": "2025-03-01T12:00:00Z"}""");

        var text = await _client.GetStringAsync("metrics", TestContext.Current.CancellationToken);

        Assert.Contains($"keel_monitor_last_run_timestamp_seconds{{monitor=\"{name}\",deployment=\"churn\"}} 1740830400", text, StringComparison.Ordinal);
    }
}
