using System.Net;
using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Statistics;
using Keel.Server.Tests.Monitors;
using Keel.Testing;

namespace Keel.Server.Tests.MonitorReports;

/// <summary><c>GET /api/keel/v1/deployments/{name}/monitor-report</c> over results stored in the server's real SQLite monitor store.</summary>
public sealed class MonitorReportEndpointTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _client = fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Route(string deployment, string query) => $"api/keel/v1/deployments/{Uri.EscapeDataString(deployment)}/monitor-report{query}";

    /// <summary>A monitor of a new deployment with one result per given time.</summary>
    private async Task<(string Deployment, string Monitor)> MonitorWithResultsAsync(params DateTimeOffset[] runs)
    {
        var deployment = MonitorHttp.NewName("dep");
        var monitor = MonitorHttp.NewName();
        await _client.CreateAsync(MonitorHttp.Yaml(monitor, deployment));
        for (var i = 0; i < runs.Length; i++)
        {
            await fixture.Server.Stores.Monitors.AddResultAsync(Result(monitor, deployment, runs[i], pValue: 0.5 / (i + 1)), Ct);
        }
        return (deployment, monitor);
    }

    private static MonitorRunResult Result(string monitor, string deployment, DateTimeOffset at, double pValue)
    {
        var age = new FeatureDriftResult("age", FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, 0.2, pValue, 0.05, pValue < 0.05, 500, 400, null,
            [new HistogramBin(0, 10, null, 0.4, 0.3), new HistogramBin(10, 20, null, 0.6, 0.7)]);
        var plan = new FeatureDriftResult("plan", FeatureKind.Categorical, DriftMethod.JensenShannon, 0.05, null, 0.1, false, 500, 400, null,
            [new HistogramBin(null, null, "basic", 0.5, 0.45), new HistogramBin(null, null, "pro", 0.5, 0.55)]);
        var drift = new DatasetDriftResult([age, plan], age.Drifted ? 0.5 : 0, 0.5, age.Drifted);
        return new MonitorRunResult(monitor, deployment, at, at.AddHours(-1), at, "dataset churn-train v3", 500, 400, drift, null,
            new ServingStats(400, 2, 0.005, 3.5, 20), [], null);
    }

    [Fact]
    public async Task Get_Html_AnswersTheSelfContainedPageWithSafeHeaders()
    {
        var (deployment, monitor) = await MonitorWithResultsAsync(Day.AddHours(1), Day.AddHours(2), Day.AddHours(3));

        using var response = await _client.GetAsync(Route(deployment, "?since=2025-03-01&until=2025-03-02"), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("default-src 'none';", policy, StringComparison.Ordinal);
        Assert.EndsWith("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"monitor-report-{deployment}.html", response.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Contains($"data-monitor=\"{monitor}\"", html, StringComparison.Ordinal);
        Assert.Contains("3 runs in range", html, StringComparison.Ordinal);
        Assert.Contains("<figure class=\"plot\" data-plot=\"histogram\" data-feature=\"age\">", html, StringComparison.Ordinal);
        Assert.Contains("<figure class=\"plot\" data-plot=\"histogram\" data-feature=\"plan\">", html, StringComparison.Ordinal);
        Assert.Contains("<figure class=\"plot\" data-plot=\"drift-score\" data-feature=\"age\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Json_AnswersTheReportOfOneMonitor()
    {
        var (deployment, monitor) = await MonitorWithResultsAsync(Day.AddHours(1), Day.AddHours(2), Day.AddHours(30));

        var (status, body) = await _client.SendTextAsync(HttpMethod.Get,
            Route(deployment, $"?since=2025-03-01T00:00:00Z&until=2025-03-02T00:00:00Z&format=json&monitor={monitor}"), null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(deployment, body["deployment"]!.GetValue<string>());
        Assert.Equal(monitor, body["monitor"]!.GetValue<string>());
        Assert.Equal(2, body["run_count"]!.GetValue<int>());
        var section = Assert.Single(body["monitors"]!.AsArray())!;
        var age = section["drift_scores"]!.AsArray().Single(s => s!["feature"]!.GetValue<string>() == "age")!;
        Assert.Equal([0.5, 0.25], age["points"]!.AsArray().Select(p => p!["value"]!.GetValue<double>()));
        Assert.Equal("pro", section["histograms"]!.AsArray().Single(h => h!["feature"]!.GetValue<string>() == "plan")!["bins"]![1]!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_NoRange_CoversTheLastSevenDays()
    {
        var now = TimeProvider.System.GetUtcNow();
        var (deployment, _) = await MonitorWithResultsAsync(now.AddDays(-10), now.AddDays(-1), now.AddHours(-1));

        var (status, body) = await _client.SendTextAsync(HttpMethod.Get, Route(deployment, "?format=json"), null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body["run_count"]!.GetValue<int>());
        var since = DateTimeOffset.Parse(body["since"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var until = DateTimeOffset.Parse(body["until"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(7), until - since);
    }

    [Fact]
    public async Task Get_NothingInRange_AnswersAReportThatSaysSo()
    {
        var (status, body) = await _client.SendTextAsync(HttpMethod.Get, Route(MonitorHttp.NewName("dep"), "?since=-24h&format=json"), null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body["run_count"]!.GetValue<int>());
        Assert.StartsWith("No monitor runs in this range", body["empty_reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?since=yesterday", "since must be an ISO-8601 time")]
    [InlineData("?until=03/01/2025", "until must be an ISO-8601 time")]
    [InlineData("?format=pdf", "format must be 'html' or 'json', got 'pdf'")]
    [InlineData("?since=2025-03-02&until=2025-03-01", "since (2025-03-02T00:00:00.0000000+00:00) must be before until")]
    [InlineData("?since=-1h&until=-1h", "must be before until")]
    [InlineData("?monitor=", "monitor must not be empty")]
    public async Task Get_BadParameter_Answers400NamingIt(string query, string message)
    {
        var answer = await _client.SendTextAsync(HttpMethod.Get, Route("churn", query), null);

        MonitorHttp.AssertError(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", message, answer);
    }

    [Fact]
    public async Task DownloadMonitorReportAsync_WritesThePageAndReportsBadInput()
    {
        var (deployment, monitor) = await MonitorWithResultsAsync(Day.AddHours(1));
        using var client = new KeelClient(fixture.Server.BaseAddress);
        using var page = new MemoryStream();

        await client.DownloadMonitorReportAsync(deployment, Day, Day.AddDays(1), "html", page, monitor, Ct);
        var error = await Assert.ThrowsAsync<KeelApiException>(() => client.DownloadMonitorReportAsync(deployment, Day.AddDays(1), Day, "json", Stream.Null, ct: Ct));

        Assert.StartsWith("<!DOCTYPE html>", System.Text.Encoding.UTF8.GetString(page.ToArray()), StringComparison.Ordinal);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.ErrorCode);
        Assert.Contains("must be before until", error.Message, StringComparison.Ordinal);
    }
}
