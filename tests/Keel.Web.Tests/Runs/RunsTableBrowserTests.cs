using Keel.Testing.Browser;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Runs;

public sealed class RunsTableBrowserTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private async Task<string> SeedSweepAsync()
    {
        var experimentId = await server.CreateExperimentAsync("sweep");
        var start = 1_700_000_000_000L;
        string[] rates = ["0.1", "0.01", "0.1", "0.001"];
        double[] accuracies = [0.95, 0.97, 0.85, 0.91];
        for (var i = 0; i < rates.Length; i++)
        {
            await server.CreateRunAsync(experimentId, $"run-{i}",
                new Dictionary<string, string> { ["lr"] = rates[i], ["model"] = "cnn" },
                new Dictionary<string, double> { ["acc"] = accuracies[i], ["loss"] = 1 - accuracies[i] },
                startTime: start + i * 1000);
        }
        return experimentId;
    }

    [Fact]
    public async Task RunsTable_OpenedFromExperiments_ShowsRunsWithMetricAndParamColumns()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url("experiments"));
        await page.Locator($"table a[href='/experiments/{experimentId}/runs']").ClickAsync();
        await page.WaitForURLAsync($"**/experiments/{experimentId}/runs");

        var rows = page.Locator("table.runs-table tbody tr");
        Assert.Equal(4, await rows.CountAsync());
        var headers = await page.Locator("table.runs-table thead th").AllInnerTextsAsync();
        Assert.Contains(headers, h => h.Contains("acc", StringComparison.Ordinal));
        Assert.Contains(headers, h => h.Contains("lr", StringComparison.Ordinal));
        // Newest first by default.
        Assert.Equal("run-3", await rows.First.Locator("th a").InnerTextAsync());
        await HeadlessChromium.ScreenshotAsync(page, "runs-table");
    }

    [Fact]
    public async Task RunsTable_FilterWithGrammarExpression_KeepsOnlyMatchingRunsAndAShareableUrl()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.GetByLabel("Filter").FillAsync("metrics.acc > 0.9 and params.lr = '0.1'");
        await page.GetByLabel("Filter").PressAsync("Enter");
        await page.WaitForURLAsync("**filter=*");

        var names = await page.Locator("table.runs-table tbody th a").AllInnerTextsAsync();
        Assert.Equal(["run-0"], names);
        Assert.Equal("metrics.acc > 0.9 and params.lr = '0.1'", await page.GetByLabel("Filter").InputValueAsync());
        // The URL alone reproduces the view.
        var (context2, page2) = await chromium.NewPageAsync();
        await using var __ = context2;
        await page2.GotoAsync(page.Url);
        Assert.Equal(["run-0"], await page2.Locator("table.runs-table tbody th a").AllInnerTextsAsync());
        await HeadlessChromium.ScreenshotAsync(page, "runs-table-filtered");
    }

    [Fact]
    public async Task RunsTable_BadFilter_ShowsTheParserErrorInlineAndKeepsTheInput()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.GetByLabel("Filter").FillAsync("metrics.acc >> 0.9");
        await page.GetByLabel("Filter").PressAsync("Enter");

        await Assertions.Expect(page.Locator("#filter-error")).ToContainTextAsync("at position 12");
        Assert.Equal("metrics.acc >> 0.9", await page.GetByLabel("Filter").InputValueAsync());
        Assert.Equal("true", await page.GetByLabel("Filter").GetAttributeAsync("aria-invalid"));
        await HeadlessChromium.ScreenshotAsync(page, "runs-table-bad-filter");
    }

    [Fact]
    public async Task RunsTable_SortByMetricHeader_OrdersDescendingThenAscending()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.Locator("thead th.col-metrics a", new() { HasText = "acc" }).ClickAsync();
        await page.WaitForURLAsync("**order=*");
        Assert.Equal(["run-1", "run-0", "run-3", "run-2"], await page.Locator("table.runs-table tbody th a").AllInnerTextsAsync());
        Assert.Equal("descending", await page.Locator("thead th.col-metrics", new() { HasText = "acc" }).GetAttributeAsync("aria-sort"));

        await page.Locator("thead th.col-metrics a", new() { HasText = "acc" }).ClickAsync();
        await Assertions.Expect(page.Locator("thead th.col-metrics", new() { HasText = "acc" })).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.Equal(["run-2", "run-3", "run-0", "run-1"], await page.Locator("table.runs-table tbody th a").AllInnerTextsAsync());
        await HeadlessChromium.ScreenshotAsync(page, "runs-table-sorted");
    }

    [Fact]
    public async Task RunsTable_SelectTwoRunsAndCompare_OpensTheComparePageWithDifferencesHighlighted()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.GetByLabel("Select run run-0").CheckAsync();
        await page.GetByLabel("Select run run-1").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare selected" }).ClickAsync();
        await page.WaitForURLAsync("**/compare?runs=*");

        Assert.Equal("Compare 2 runs", await page.Locator("h1").InnerTextAsync());
        var lr = page.Locator("table.compare-params tbody tr", new() { HasText = "lr" });
        Assert.Equal("true", await lr.GetAttributeAsync("data-differs"));
        var model = page.Locator("table.compare-params tbody tr", new() { HasText = "model" });
        Assert.Equal("false", await model.GetAttributeAsync("data-differs"));
        var chart = page.Locator(".metric-chart[data-key='acc']");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        Assert.Equal("2", await chart.GetAttributeAsync("data-total-points"));
        await Assertions.Expect(page.Locator("#scatter")).ToHaveAttributeAsync("data-state", "ready");
        Assert.Equal(1, await page.Locator("#scatter canvas").CountAsync());
        await HeadlessChromium.ScreenshotAsync(page, "compare-runs");
    }

    [Fact]
    public async Task RunsTable_DeleteSelected_PostsWithTheTokenAndTheRunMovesToTheDeletedView()
    {
        var experimentId = await SeedSweepAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.GetByLabel("Select run run-2").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.runs-table tbody tr")).ToHaveCountAsync(3);

        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs?view=deleted"));
        Assert.Equal(["run-2"], await page.Locator("table.runs-table tbody th a").AllInnerTextsAsync());
        await page.GetByLabel("Select run run-2").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore selected" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.runs-table tbody tr")).ToHaveCountAsync(0);
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));
        await Assertions.Expect(page.Locator("table.runs-table tbody tr")).ToHaveCountAsync(4);
        await HeadlessChromium.ScreenshotAsync(page, "runs-table-after-restore");
    }
}
