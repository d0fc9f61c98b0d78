using System.Net;
using System.Text.Json.Nodes;
using Keel.Core.Tracking;

namespace Keel.Web.Tests.Http;

/// <summary><c>/ui-api/runs/{id}/metrics/{key}</c>: server-side downsampling over a step range.</summary>
public sealed class MetricSeriesApiTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Run> SeedAsync(string key, int points)
    {
        var experimentId = await server.CreateExperimentAsync("series");
        var run = await server.CreateRunAsync(experimentId, "r");
        for (var offset = 0; offset < points; offset += 1000)
        {
            // A smooth curve with one spike up and one dip down that downsampling must keep.
            var batch = Enumerable.Range(offset, Math.Min(1000, points - offset))
                .Select(step => new Metric(key, step == 3333 ? 100 : step == 4444 ? -100 : Math.Sin(step / 100.0), 1_000 + step, step))
                .ToArray();
            await server.Server.Stores.Tracking.LogBatchAsync(run.Info.RunId, batch, [], []);
        }
        return run;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string relative)
    {
        using var response = await server.Http.GetAsync(relative, Ct);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!);
    }

    [Fact]
    public async Task WholeHistory_IsDownsampledToAtMostTheRequestedPoints_KeepingExtremes()
    {
        var run = await SeedAsync("train/loss", 10_000);

        var (status, body) = await GetAsync($"ui-api/runs/{run.Info.RunId}/metrics/train/loss?points=200");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10_000, (int)body["total"]!);
        Assert.True((bool)body["downsampled"]!);
        var values = body["values"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.InRange(values.Length, 100, 200);
        Assert.Contains(100.0, values);
        Assert.Contains(-100.0, values);
        var steps = body["steps"]!.AsArray().Select(v => (long)v!).ToArray();
        Assert.Equal(steps.Order(), steps);
        Assert.Equal(values.Length, body["timestamps"]!.AsArray().Count);
    }

    [Fact]
    public async Task StepRange_ReturnsExactlyThePointsInside()
    {
        var run = await SeedAsync("loss", 10_000);

        var (status, body) = await GetAsync($"ui-api/runs/{run.Info.RunId}/metrics/loss?min_step=100&max_step=299&points=1000");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool)body["downsampled"]!);
        Assert.Equal(Enumerable.Range(100, 200).Select(i => (long)i), body["steps"]!.AsArray().Select(v => (long)v!));
        Assert.Equal(Math.Sin(1.5), (double)body["values"]![50]!, 12);
    }

    [Fact]
    public async Task NonFiniteValues_ComeBackAsNull()
    {
        var experimentId = await server.CreateExperimentAsync("nan");
        var run = await server.CreateRunAsync(experimentId, "r");
        await server.Server.Stores.Tracking.LogBatchAsync(run.Info.RunId,
            [new Metric("m", 1, 1, 0), new Metric("m", double.NaN, 2, 1), new Metric("m", double.PositiveInfinity, 3, 2)], [], []);

        var (status, body) = await GetAsync($"ui-api/runs/{run.Info.RunId}/metrics/m");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([1.0, null, null], body["values"]!.AsArray().Select(v => (double?)v));
    }

    [Theory]
    [InlineData("points=1", "'points'")]
    [InlineData("points=10001", "'points'")]
    [InlineData("points=many", "'points'")]
    [InlineData("min_step=abc", "'min_step'")]
    [InlineData("max_step=1.5", "'max_step'")]
    [InlineData("min_step=10&max_step=5", "'min_step'")]
    public async Task BadParameter_Returns400NamingIt(string query, string named)
    {
        var run = await SeedAsync("loss", 10);

        var (status, body) = await GetAsync($"ui-api/runs/{run.Info.RunId}/metrics/loss?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body["error_code"]!);
        Assert.Contains(named, (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRun_Returns404Json()
    {
        var (status, body) = await GetAsync("ui-api/runs/ffffffffffffffffffffffffffffffff/metrics/loss");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task UnknownKey_ReturnsAnEmptySeries()
    {
        var run = await SeedAsync("loss", 10);

        var (status, body) = await GetAsync($"ui-api/runs/{run.Info.RunId}/metrics/{Uri.EscapeDataString("no such")}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, (int)body["total"]!);
        Assert.Equal("no such", (string)body["key"]!, StringComparer.Ordinal);
    }
}
