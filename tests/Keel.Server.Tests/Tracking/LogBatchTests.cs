using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

public sealed class LogBatchTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private Task<string> NewRunAsync() => _client.CreateRunAsync("0");

    private static object[] Metrics(int count, string key = "m") =>
        Enumerable.Range(0, count).Select(i => (object)new { key, value = (double)i, timestamp = 1000L + i, step = (long)i }).ToArray();

    private static object[] Pairs(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => (object)new { key = $"{prefix}{i}", value = "v" }).ToArray();

    [Fact]
    public async Task LogBatch_AtTheLimits_StoresEverything()
    {
        var runId = await NewRunAsync();

        await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = Metrics(800), @params = Pairs(100, "p"), tags = Pairs(100, "t") });

        var data = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!;
        var history = await _client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=m");
        Assert.Equal(100, data["params"]!.AsArray().Count);
        Assert.Equal(799.0, (double)data["metrics"]![0]!["value"]!);
        Assert.Equal(800, history["metrics"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(1001, 0, 0, "1000 metrics")]
    [InlineData(0, 101, 0, "100 params")]
    [InlineData(0, 0, 101, "100 tags")]
    [InlineData(950, 30, 30, "1000 metrics, params, and tags")]
    public async Task LogBatch_OverALimit_Returns400AndWritesNothing(int metrics, int parameters, int tags, string rule)
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-batch", new { run_id = runId, metrics = Metrics(metrics), @params = Pairs(parameters, "p"), tags = Pairs(tags, "t") });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains(rule, (string)body["message"]!, StringComparison.Ordinal);
        var data = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!;
        Assert.Null(data["metrics"]);
        Assert.Null(data["params"]);
    }

    [Fact]
    public async Task LogBatch_ParamOverwrite_RejectsWholeBatch()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-parameter", new { run_id = runId, key = "lr", value = "0.1" });

        var (status, body) = await _client.PostJsonAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = Metrics(5, "written-only-if-valid"),
            @params = new[] { new { key = "lr", value = "0.5" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("lr", (string)body["message"]!, StringComparison.Ordinal);
        var history = await _client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=written-only-if-valid");
        Assert.Null(history["metrics"]);
    }

    [Fact]
    public async Task LogBatch_NaNAndInfinities_RoundTripAsMlflowStrings()
    {
        var runId = await NewRunAsync();

        await _client.PostJsonAsync("runs/log-batch", $$"""
            {"run_id": "{{runId}}", "metrics": [
              {"key": "nan", "value": "NaN", "timestamp": 1, "step": 0},
              {"key": "pinf", "value": "Infinity", "timestamp": 1, "step": 0},
              {"key": "ninf", "value": "-Infinity", "timestamp": 1, "step": 0}]}
            """);

        var raw = await _client.GetStringAsync($"{MlflowHttp.Api}runs/get?run_id={runId}", TestContext.Current.CancellationToken);
        Assert.Contains("\"value\":\"NaN\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"Infinity\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"-Infinity\"", raw, StringComparison.Ordinal);
        var history = await _client.GetStringAsync($"{MlflowHttp.Api}metrics/get-history?run_id={runId}&metric_key=nan", TestContext.Current.CancellationToken);
        Assert.Contains("\"value\":\"NaN\"", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBatch_LatestValue_IsHighestStepNotLastSent()
    {
        var runId = await NewRunAsync();
        await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "loss", value = 0.2, timestamp = 5L, step = 10L } } });

        await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key = "loss", value = 0.9, timestamp = 9L, step = 3L } } });

        var metric = (await _client.GetOkAsync($"runs/get?run_id={runId}"))["run"]!["data"]!["metrics"]![0]!;
        Assert.Equal(0.2, (double)metric["value"]!);
        Assert.Equal(10L, (long)metric["step"]!);
    }

    [Fact]
    public async Task LogBatch_RetriedIdenticalBatch_DoesNotDuplicatePoints()
    {
        var runId = await NewRunAsync();
        var batch = new { run_id = runId, metrics = Metrics(10) };

        await _client.OkAsync("runs/log-batch", batch);
        await _client.OkAsync("runs/log-batch", batch);

        var history = await _client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=m");
        Assert.Equal(10, history["metrics"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("bad key!")]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    public async Task LogBatch_InvalidMetricKey_Returns400(string key)
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-batch", new { run_id = runId, metrics = new[] { new { key, value = 1.0, timestamp = 1L, step = 0L } } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(key, (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBatch_KeyTooLong_Returns400()
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-batch", new { run_id = runId, tags = new[] { new { key = new string('k', 251), value = "v" } } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("250", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBatch_MetricsNotAList_Returns400NamingField()
    {
        var runId = await NewRunAsync();

        var (status, body) = await _client.PostJsonAsync("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": {\"key\": \"m\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("metrics", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBatch_MissingRunId_Returns400()
    {
        var (status, body) = await _client.PostJsonAsync("runs/log-batch", new { metrics = Metrics(1) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("run_id", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBatch_UnknownRun_Returns404()
    {
        var (status, _) = await _client.PostJsonAsync("runs/log-batch", new { run_id = "00000000000000000000000000000000", metrics = Metrics(1) });

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
