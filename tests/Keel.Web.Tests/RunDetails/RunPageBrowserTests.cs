using Keel.Core.Tracking;
using Keel.Testing.Browser;
using Microsoft.Playwright;

namespace Keel.Web.Tests.RunDetails;

public sealed class RunPageBrowserTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private async Task<Run> SeedTrainingRunAsync(int points)
    {
        var experimentId = await server.CreateExperimentAsync("charts");
        var run = await server.CreateRunAsync(experimentId, "training", new Dictionary<string, string> { ["lr"] = "0.1" },
            new Dictionary<string, double> { ["acc"] = 0.9 });
        for (var offset = 0; offset < points; offset += 1000)
        {
            var batch = Enumerable.Range(offset, Math.Min(1000, points - offset))
                .Select(step => new Metric("loss", 1.0 / (step + 1), run.Info.StartTime + step, step)).ToArray();
            await server.Server.Stores.Tracking.LogBatchAsync(run.Info.RunId, batch, [], []);
        }
        return run;
    }

    [Fact]
    public async Task RunPage_ShowsParamsMetricsAndDrawsTheMetricChart()
    {
        var run = await SeedTrainingRunAsync(5000);
        await server.PutArtifactAsync(run, "notes/readme.txt", "trained on the sample data");
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url($"runs/{run.Info.RunId}"));

        Assert.Equal("training", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("0.1", await page.Locator(".params-table td").First.InnerTextAsync());
        var chart = page.Locator(".metric-chart[data-key='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        Assert.Equal(1, await chart.Locator("canvas").CountAsync());
        Assert.Equal("5000", await chart.GetAttributeAsync("data-total-points"));
        var drawn = int.Parse(await chart.GetAttributeAsync("data-drawn-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(drawn, 2, 1000);
        await HeadlessChromium.ScreenshotAsync(page, "run-page");
    }

    [Fact]
    public async Task RunPage_DraggingAcrossTheChart_FetchesTheExactPointsOfTheRange()
    {
        var run = await SeedTrainingRunAsync(20_000);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"runs/{run.Info.RunId}"));
        var chart = page.Locator(".metric-chart[data-key='loss']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-state", "ready");

        // Drag over a narrow band at the left of the plotting area: a few hundred steps.
        var over = chart.Locator(".u-over");
        await over.ScrollIntoViewIfNeededAsync();
        var box = (await over.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 5, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 15, box.Y + box.Height / 2, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        await Assertions.Expect(chart.Locator("xpath=..").Locator(".chart-status")).ToContainTextAsync("steps");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        var total = int.Parse(await chart.GetAttributeAsync("data-total-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var drawn = int.Parse(await chart.GetAttributeAsync("data-drawn-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(total, 2, 1000);
        Assert.Equal(total, drawn);
        await HeadlessChromium.ScreenshotAsync(page, "run-page-zoomed");
    }

    [Fact]
    public async Task RunPage_TextArtifact_PreviewsAsText()
    {
        var run = await SeedTrainingRunAsync(10);
        await server.PutArtifactAsync(run, "config.yaml", "lr: 0.1\nepochs: 3\n");
        await server.PutArtifactAsync(run, "data/sample.csv", "a,b\n1,\"x, y\"\n2,z\n");
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url($"runs/{run.Info.RunId}"));
        await page.GetByRole(AriaRole.Link, new() { Name = "config.yaml" }).ClickAsync();
        await Assertions.Expect(page.Locator("pre.artifact-text")).ToHaveTextAsync("lr: 0.1\nepochs: 3\n");

        await page.GetByRole(AriaRole.Link, new() { Name = "data/" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "sample.csv" }).ClickAsync();
        var cells = await page.Locator("table.artifact-table tbody td").AllInnerTextsAsync();
        Assert.Equal(["1", "x, y", "2", "z"], cells);
        await HeadlessChromium.ScreenshotAsync(page, "run-page-csv-preview");
    }
}
