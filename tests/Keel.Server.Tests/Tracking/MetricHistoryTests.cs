using System.Net;
using Keel.Testing;

namespace Keel.Server.Tests.Tracking;

public sealed class MetricHistoryTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<string> RunWithHistoryAsync(int points)
    {
        var runId = await _client.CreateRunAsync("0");
        for (var start = 0; start < points; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, points - start))
                .Select(i => new { key = "loss", value = 1.0 / (i + 1), timestamp = 10_000L + i, step = (long)i }).ToArray();
            await _client.OkAsync("runs/log-batch", new { run_id = runId, metrics = batch });
        }
        return runId;
    }

    [Fact]
    public async Task GetHistory_WithoutMaxResults_ReturnsAllPointsInStepOrder()
    {
        var runId = await RunWithHistoryAsync(2500);

        var metrics = (await _client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=loss"))["metrics"]!.AsArray();

        Assert.Equal(2500, metrics.Count);
        Assert.Equal(Enumerable.Range(0, 2500).Select(i => (long)i), metrics.Select(m => (long)m!["step"]!));
        Assert.Equal("loss", (string)metrics[0]!["key"]!);
    }

    [Fact]
    public async Task GetHistory_Paged_CoversEveryPointOnce()
    {
        var runId = await RunWithHistoryAsync(250);
        var steps = new List<long>();
        string? token = null;
        var pages = 0;

        do
        {
            var query = $"metrics/get-history?run_id={runId}&metric_key=loss&max_results=100" + (token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}");
            var page = await _client.GetOkAsync(query);
            steps.AddRange(page["metrics"]!.AsArray().Select(m => (long)m!["step"]!));
            token = (string?)page["next_page_token"];
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => (long)i), steps);
    }

    [Fact]
    public async Task GetHistory_UnknownRun_Returns404()
    {
        var (status, body) = await _client.GetJsonAsync("metrics/get-history?run_id=abababababababababababababababab&metric_key=loss");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)body["error_code"]!);
    }

    [Fact]
    public async Task GetHistory_MissingKey_Returns400()
    {
        var runId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.GetJsonAsync($"metrics/get-history?run_id={runId}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("metric_key", (string)body["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHistory_NonNumericMaxResults_Returns400()
    {
        var runId = await _client.CreateRunAsync("0");

        var (status, body) = await _client.GetJsonAsync($"metrics/get-history?run_id={runId}&metric_key=loss&max_results=lots");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("max_results", (string)body["message"]!, StringComparison.Ordinal);
    }
}
