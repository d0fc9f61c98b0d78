using Keel.Monitoring.Reports;
using Keel.Testing.Browser;
using Microsoft.Playwright;

namespace Keel.Monitoring.Tests.Reports;

/// <summary>The HTML report as a person sees it: written to a file and opened in headless Chromium, offline.</summary>
public sealed class HtmlReportBrowserTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-report-").FullName;

    [Fact]
    public async Task Report_OpenedFromFile_ShowsEveryPlotAndRunsNothing()
    {
        var report = HtmlReportWriterTests.HostileReport();
        var path = Path.Combine(_folder, "report.html");
        await File.WriteAllTextAsync(path, HtmlReportWriter.Write(report), TestContext.Current.CancellationToken);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        var dialogs = new List<string>();
        var requests = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync(new Uri(path).AbsoluteUri);

        Assert.Equal(HtmlReportWriterTests.HostileDeployment, await page.Locator("#deployment").InnerTextAsync());
        Assert.Contains(HtmlReportWriterTests.HostileFeature, await page.Locator("table.features td.name").AllInnerTextsAsync());
        Assert.Equal(1, await page.Locator("figure.plot[data-plot=histogram]").Filter(new() { HasText = HtmlReportWriterTests.HostileFeature }).CountAsync());
        var figures = page.Locator("figure.plot");
        var expected = report.Monitors.Sum(m => m.Histograms.Count + m.DriftScores.Count + 1 + m.Quality.Count + 2);
        Assert.Equal(expected, await figures.CountAsync());
        for (var i = 0; i < expected; i++)
        {
            var svg = figures.Nth(i).Locator("svg");
            await svg.ScrollIntoViewIfNeededAsync();
            Assert.True(await svg.IsVisibleAsync());
            var box = await svg.BoundingBoxAsync();
            Assert.True(box is { Width: > 300, Height: > 100 }, $"plot {i} is {box?.Width}×{box?.Height}");
            Assert.True(await svg.Locator("rect, path").CountAsync() > 5, $"plot {i} draws nothing");
            Assert.True(await svg.Locator("text").CountAsync() > 3, $"plot {i} has no axis labels");
        }
        var plan = page.Locator("figure.plot[data-plot=histogram][data-feature=plan] svg");
        // Long categories are cut to 23 characters and an ellipsis on the axis.
        Assert.Contains(HtmlReportWriterTests.HostileCategory[..23] + "…", (await plan.Locator("text").AllTextContentsAsync()).Select(t => t.Trim()));
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.__xss"));
        Assert.Equal(0, await page.Locator("script, img, iframe, foreignObject").CountAsync());
        Assert.Empty(dialogs);
        Assert.All(requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        await HeadlessChromium.ScreenshotAsync(page, "monitor-report");
    }

    [Fact]
    public async Task Report_InDarkMode_KeepsTextReadable()
    {
        var path = Path.Combine(_folder, "dark.html");
        await File.WriteAllTextAsync(path, HtmlReportWriter.Write(HtmlReportWriterTests.HostileReport()), TestContext.Current.CancellationToken);
        var (context, page) = await chromium.NewPageAsync(ColorScheme.Dark);
        await using var _ = context;

        await page.GotoAsync(new Uri(path).AbsoluteUri);

        var colors = await page.EvaluateAsync<string[]>(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]");
        Assert.Equal("rgb(20, 23, 28)", colors[0]);
        Assert.Equal("rgb(230, 233, 239)", colors[1]);
        await HeadlessChromium.ScreenshotAsync(page, "monitor-report-dark");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
