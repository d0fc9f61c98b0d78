using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

/// <summary>Every endpoint that names an experiment or a run answers 404 RESOURCE_DOES_NOT_EXIST for an unknown one.</summary>
public sealed class UnknownIdTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private const string NoRun = "0123456789abcdef0123456789abcdef";
    private const string NoExperiment = "777777";

    public static TheoryData<string, string> RunEndpoints => new()
    {
        { "runs/update", $$"""{"run_id": "{{NoRun}}", "status": "FINISHED"}""" },
        { "runs/delete", $$"""{"run_id": "{{NoRun}}"}""" },
        { "runs/restore", $$"""{"run_id": "{{NoRun}}"}""" },
        { "runs/log-metric", $$"""{"run_id": "{{NoRun}}", "key": "m", "value": 1, "timestamp": 1}""" },
        { "runs/log-parameter", $$"""{"run_id": "{{NoRun}}", "key": "p", "value": "v"}""" },
        { "runs/log-batch", $$"""{"run_id": "{{NoRun}}", "tags": [{"key": "k", "value": "v"}]}""" },
        { "runs/set-tag", $$"""{"run_id": "{{NoRun}}", "key": "k", "value": "v"}""" },
        { "runs/delete-tag", $$"""{"run_id": "{{NoRun}}", "key": "k"}""" },
        { "runs/log-inputs", $$$"""{"run_id": "{{{NoRun}}}", "datasets": [{"dataset": {"name": "d", "digest": "x", "source_type": "local", "source": "s"}}]}""" },
    };

    public static TheoryData<string, string> ExperimentEndpoints => new()
    {
        { "experiments/update", $$"""{"experiment_id": "{{NoExperiment}}", "new_name": "x-{{Guid.NewGuid():N}}"}""" },
        { "experiments/delete", $$"""{"experiment_id": "{{NoExperiment}}"}""" },
        { "experiments/restore", $$"""{"experiment_id": "{{NoExperiment}}"}""" },
        { "experiments/set-experiment-tag", $$"""{"experiment_id": "{{NoExperiment}}", "key": "k", "value": "v"}""" },
        { "runs/create", $$"""{"experiment_id": "{{NoExperiment}}"}""" },
    };

    [Theory]
    [MemberData(nameof(RunEndpoints))]
    public async Task RunEndpoint_UnknownRun_Returns404(string route, string body)
    {
        var (status, json) = await fixture.Client.PostJsonAsync(route, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)json["error_code"]!);
        Assert.Contains(NoRun, (string)json["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExperimentEndpoints))]
    public async Task ExperimentEndpoint_UnknownExperiment_Returns404(string route, string body)
    {
        var (status, json) = await fixture.Client.PostJsonAsync(route, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)json["error_code"]!);
        Assert.Contains(NoExperiment, (string)json["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runs/get?run_id=" + NoRun)]
    [InlineData("metrics/get-history?metric_key=m&run_id=" + NoRun)]
    [InlineData("artifacts/list?run_id=" + NoRun)]
    [InlineData("experiments/get?experiment_id=" + NoExperiment)]
    public async Task GetEndpoint_UnknownId_Returns404(string routeAndQuery)
    {
        var (status, json) = await fixture.Client.GetJsonAsync(routeAndQuery);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)json["error_code"]!);
    }

    [Theory]
    [InlineData("runs/update")]
    [InlineData("runs/delete")]
    [InlineData("runs/log-batch")]
    [InlineData("experiments/delete")]
    [InlineData("experiments/set-experiment-tag")]
    public async Task Endpoint_EmptyBody_Returns400NamingTheMissingId(string route)
    {
        var (status, json) = await fixture.Client.PostJsonAsync(route, "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)json["error_code"]!);
        Assert.Matches("run_id|experiment_id|key", (string)json["message"]!);
    }
}
