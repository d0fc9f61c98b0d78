using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Monitors;

/// <summary>Bad input to the monitor API: a 400 naming the field and the rule, or a 404; nothing stored changes.</summary>
public sealed class MonitorValidationTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task AssertCreateRefusedAsync(string yaml, string mentions)
    {
        var answer = await _client.SendYamlAsync(HttpMethod.Post, MonitorHttp.Root, yaml);
        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", mentions, answer);
    }

    [Fact]
    public Task Create_BadYaml_IsRefused() => AssertCreateRefusedAsync("name: [unclosed\n", "not valid YAML");

    [Fact]
    public Task Create_UnknownField_IsRefusedNamingIt() => AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "treshold: 0.1\n"), "Unknown key 'treshold'");

    [Fact]
    public Task Create_BadCron_NamesTheSchedule() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "schedule: \"every five minutes\"\n"), "'schedule'");

    [Fact]
    public Task Create_SixFieldCron_NamesTheSchedule() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "schedule: \"0 */5 * * * *\"\n"), "'schedule'");

    [Fact]
    public Task Create_NegativeWindow_NamesTheWindow() =>
        AssertCreateRefusedAsync($"name: {MonitorHttp.NewName()}\ndeployment: churn\nwindow: -5m\n", "'window'");

    [Fact]
    public Task Create_ThresholdOutOfRange_NamesTheFeatureThreshold() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "feature_options: {age: {method: ks, threshold: 5}}\n"), "'feature_options.age.threshold'");

    [Fact]
    public Task Create_DriftShareOutOfRange_NamesIt() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "drift_share_threshold: 2\n"), "'drift_share_threshold'");

    [Fact]
    public Task Create_QualityAlertWithoutMetric_NamesIt() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "alerts: [{name: q, kind: quality, threshold: 0.8}]\n"), "'alerts[0].metric'");

    [Fact]
    public Task Create_PrivateWebhook_IsRefusedUnlessAllowed() =>
        AssertCreateRefusedAsync(MonitorHttp.Yaml(MonitorHttp.NewName(), extra: "webhooks: [\"http://127.0.0.1:9/hook\"]\n"), "'webhooks[0]'");

    [Fact]
    public Task Create_MissingDeployment_NamesIt() => AssertCreateRefusedAsync($"name: {MonitorHttp.NewName()}\n", "'deployment'");

    [Fact]
    public async Task Create_MalformedJson_IsRefused()
    {
        var answer = await _client.SendTextAsync(HttpMethod.Post, MonitorHttp.Root, "{\"name\": \"x\", ");

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Malformed JSON", answer);
    }

    [Fact]
    public async Task Create_EmptyBody_IsRefused()
    {
        var answer = await _client.SendTextAsync(HttpMethod.Post, MonitorHttp.Root, "");

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing request body", answer);
    }

    [Fact]
    public async Task Create_TakenName_IsRefusedAndTheFirstStays()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name, "first"));

        var answer = await _client.SendYamlAsync(HttpMethod.Post, MonitorHttp.Root, MonitorHttp.Yaml(name, "second"));

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS", name, answer);
        Assert.Equal("first", (await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}"))["deployment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_InvalidSpec_IsRefusedAndTheStoredSpecIsKept()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var answer = await _client.SendYamlAsync(HttpMethod.Put, $"{MonitorHttp.Root}/{name}", "deployment: churn\nwindow: 0s\n");

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'window'", answer);
        Assert.Equal("1h", (await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}"))["spec"]!["window"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_SpecNamingAnotherMonitor_IsRefused()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var answer = await _client.SendYamlAsync(HttpMethod.Put, $"{MonitorHttp.Root}/{name}", MonitorHttp.Yaml("someone-else"));

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "someone-else", answer);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/run")]
    [InlineData("GET", "/results")]
    [InlineData("GET", "/latest")]
    public async Task UnknownMonitor_Is404(string method, string suffix)
    {
        var name = MonitorHttp.NewName("ghost");

        var answer = await _client.SendTextAsync(new HttpMethod(method), $"{MonitorHttp.Root}/{name}{suffix}", null);

        MonitorHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", name, answer);
    }

    [Fact]
    public async Task UpdateUnknownMonitor_Is404()
    {
        var name = MonitorHttp.NewName("ghost");

        var answer = await _client.SendYamlAsync(HttpMethod.Put, $"{MonitorHttp.Root}/{name}", MonitorHttp.Yaml(name));

        MonitorHttp.AssertError(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", name, answer);
    }

    [Fact]
    public async Task Run_BadTime_NamesAt()
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var answer = await _client.SendTextAsync(HttpMethod.Post, $"{MonitorHttp.Root}/{name}/run", """{"at": "yesterday"}""");

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'at'", answer);
        Assert.Null((await _client.OkAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/latest"))["result"]);
    }

    [Theory]
    [InlineData("since=soon", "'since'")]
    [InlineData("since=2025-03-02T00:00:00Z&until=2025-03-01T00:00:00Z", "'until'")]
    public async Task Results_BadRange_NamesTheParameter(string query, string mentions)
    {
        var name = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(name));

        var answer = await _client.SendTextAsync(HttpMethod.Get, $"{MonitorHttp.Root}/{name}/results?{query}", null);

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", mentions, answer);
    }

    [Theory]
    [InlineData("max_results=0", "'max_results'")]
    [InlineData("max_results=5000", "'max_results'")]
    [InlineData("max_results=many", "'max_results'")]
    [InlineData("since=whenever", "'since'")]
    public async Task Alerts_BadQuery_NamesTheParameter(string query, string mentions)
    {
        var answer = await _client.SendTextAsync(HttpMethod.Get, $"{MonitorHttp.Alerts}?{query}", null);

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", mentions, answer);
    }
}
