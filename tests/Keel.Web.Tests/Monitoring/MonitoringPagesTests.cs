using System.Net;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Testing.Browser;
using Keel.Web.Tests.Registry;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Monitoring;

public sealed class MonitoringPagesTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    internal static MonitorSpec Spec(string name, string deployment, params string[] features) => new(
        name, deployment, MonitorReference.TrainingData, TimeSpan.FromHours(1), null, features,
        new Dictionary<string, DriftOptions>(), 0.5, TaskKind.Classification, "prediction", null,
        [new AlertRule("drift", AlertKind.Drift)], []);

    internal static FeatureDriftResult Feature(string name, double score, bool drifted) => new(
        name, FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, score, score, 0.05, drifted, 500, 400, null,
        [new HistogramBin(0, 1, null, 0.5, drifted ? 0.1 : 0.45), new HistogramBin(1, 2, null, 0.3, 0.3), new HistogramBin(2, 3, null, 0.2, drifted ? 0.6 : 0.25)]);

    /// <summary>Stores a monitor and <paramref name="hours"/> hourly results ending an hour ago; the last one drifts and alerts.</summary>
    internal static async Task<string> SeedAsync(UiServerFixture server, string name, string deployment, string[] features, int hours = 6)
    {
        var store = server.Server.Stores.Monitors;
        var now = TimeProvider.System.GetUtcNow();
        await store.CreateMonitorAsync(Spec(name, deployment, features), now.ToUnixTimeMilliseconds(), null);
        for (var i = hours; i >= 1; i--)
        {
            var at = now.AddHours(-i);
            var drifted = i == 1;
            var drift = new DatasetDriftResult(
                [.. features.Select((f, k) => Feature(f, drifted && k == 0 ? 0.001 : 0.4 + 0.01 * i, drifted && k == 0))],
                drifted ? 1.0 / features.Length : 0, 0.5, false);
            var alerts = drifted
                ? new[] { new AlertEvent(Guid.NewGuid().ToString("N"), name, deployment, "drift", AlertKind.Drift, $"feature {features[0]} drifted", 0.001, 0.05, at) }
                : [];
            await store.AddResultAsync(new MonitorRunResult(name, deployment, at, at.AddHours(-1), at, "dataset training v1", 500, 400, drift,
                new QualityResult(TaskKind.Classification, 100, new Dictionary<string, double> { ["accuracy"] = 0.9 - 0.01 * (hours - i) },
                    new Dictionary<string, double> { ["accuracy"] = 0.92 }),
                new ServingStats(400, 2, 0.005, 3.5, 12.0), alerts, null));
        }
        return name;
    }

    [Fact]
    public async Task MonitorPage_ShowsDriftPerFeatureOverTime_AndReferenceVsCurrentHistograms()
    {
        var deployment = CatalogSeed.Unique("svc");
        var monitor = await SeedAsync(server, CatalogSeed.Unique("drift-watch"), deployment, ["income", "age"]);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url("monitoring"));
        var row = page.Locator($".monitors-table tr[data-monitor='{monitor}']");
        await Assertions.Expect(row).ToContainTextAsync("50%");
        await Assertions.Expect(row.Locator("td").Last).ToHaveTextAsync("1");
        await row.GetByRole(AriaRole.Link, new() { Name = monitor }).ClickAsync();

        foreach (var feature in new[] { "income", "age" })
        {
            var card = page.Locator($".feature-card[data-feature='{feature}']");
            var scores = card.Locator(".timeseries-chart");
            await Assertions.Expect(scores).ToHaveAttributeAsync("data-state", "ready");
            Assert.Equal("6", await scores.GetAttributeAsync("data-points"));
            await Assertions.Expect(card.Locator(".drift-histogram")).ToHaveAttributeAsync("data-state", "ready");
            Assert.Equal(1, await card.Locator(".drift-histogram canvas").CountAsync());
        }
        await Assertions.Expect(page.Locator(".feature-card[data-feature='income'] h3")).ToContainTextAsync("drifted");
        await Assertions.Expect(page.Locator(".feature-table tr[data-feature='age']")).ToContainTextAsync("no");
        await Assertions.Expect(page.Locator(".alerts-table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".quality-table")).ToContainTextAsync("0.92");
        Assert.Equal(
            $"/api/keel/v1/deployments/{deployment}/monitor-report?monitor={monitor}",
            await page.GetByRole(AriaRole.Link, new() { Name = "HTML report" }).GetAttributeAsync("href"));
        await HeadlessChromium.ScreenshotAsync(page, "monitor-page");
    }

    [Fact]
    public async Task MonitorWithoutResults_ShowsWhatToDo()
    {
        var name = CatalogSeed.Unique("idle");
        await server.Server.Stores.Monitors.CreateMonitorAsync(Spec(name, "svc", "x"), TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), null);

        var (status, body, _) = await server.GetPageAsync($"monitoring/{name}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("No results in the last 30 days.", body, StringComparison.Ordinal);
        Assert.Contains($"keel monitor run {name}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMonitor_Is404_AndBadDays_Is400NamingDays()
    {
        var name = CatalogSeed.Unique("ranged");
        await server.Server.Stores.Monitors.CreateMonitorAsync(Spec(name, "svc", "x"), TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), null);

        var (missing, missingBody, _) = await server.GetPageAsync("monitoring/no-such-monitor-h6");
        var (bad, badBody, _) = await server.GetPageAsync($"monitoring/{name}?days=abc");
        var (tooMany, _, _) = await server.GetPageAsync($"monitoring/{name}?days=99999");

        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("no-such-monitor-h6", missingBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("parameter 'days'", WebUtility.HtmlDecode(badBody), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany);
    }
}
