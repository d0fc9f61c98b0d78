using System.Net;
using Keel.Core.Data.Profiles;
using Keel.Core.Tracking;
using Keel.Testing.Browser;
using Keel.Web.Tests.Registry;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Datasets;

public sealed class DatasetPagesTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private readonly CatalogSeed _seed = new(server);

    [Fact]
    public async Task DatasetVersionPage_ShowsProfileHistogramsSchemaAndFiles()
    {
        var name = CatalogSeed.Unique("customers");
        var version = await _seed.DatasetVersionAsync(name, CatalogSeed.Profile(), [new Tag("source", "crm")]);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url("datasets"));
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Version 1", Exact = true }).First.ClickAsync();

        await Assertions.Expect(page.Locator(".manifest-hash")).ToHaveTextAsync(version.ManifestHash);
        Assert.Equal(["age", "city"], await page.Locator(".schema-table tbody th").AllInnerTextsAsync());
        var histogram = page.Locator(".profile-card[data-column='age'] .histogram-chart");
        await Assertions.Expect(histogram).ToHaveAttributeAsync("data-state", "ready");
        Assert.Equal(1, await histogram.Locator("canvas").CountAsync());
        var topValues = page.Locator(".profile-card[data-column='city'] .histogram-chart");
        await Assertions.Expect(topValues).ToHaveAttributeAsync("data-state", "ready");
        // The bins' numbers are also a table, for keyboards and screen readers.
        Assert.Equal(["20", "30", "25", "15", "8"], await page.Locator(".profile-card[data-column='age'] .bins td").AllTextContentsAsync());
        await Assertions.Expect(page.Locator(".files-table tbody th")).ToHaveTextAsync("train.csv");
        await HeadlessChromium.ScreenshotAsync(page, "dataset-version-profile");
    }

    [Fact]
    public async Task DiffPage_ShowsSchemaChangeRowCountChangeAndColumnDeltas()
    {
        var name = CatalogSeed.Unique("events");
        await _seed.DatasetVersionAsync(name, CatalogSeed.Profile(rows: 100, meanAge: 40));
        var grown = CatalogSeed.Profile(rows: 150, meanAge: 44);
        grown = grown with
        {
            Columns = [grown.Columns[0] with { Type = ColumnKinds.Real }, new ColumnProfile("score", ColumnKinds.Real, 150, 0, Mean: 0.5)],
        };
        await _seed.DatasetVersionAsync(name, grown);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url($"datasets/{name}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show diff" }).ClickAsync();

        Assert.EndsWith($"/datasets/{name}/diff?a=1&b=2", page.Url, StringComparison.Ordinal);
        var changes = page.Locator(".schema-changes-table tbody tr");
        Assert.Equal(
            ["age\ttype changed\tinteger\tdouble", "score\tadded\t—\tdouble", "city\tremoved\tstring\t—"],
            await changes.AllInnerTextsAsync());
        await Assertions.Expect(page.Locator(".totals-table tr[data-stat='rows'] td").Last).ToHaveTextAsync("+50");
        await Assertions.Expect(page.Locator(".column-deltas-table tr.diff", new() { HasText = "mean" })).ToContainTextAsync("+4");
        await HeadlessChromium.ScreenshotAsync(page, "dataset-diff");
    }

    [Fact]
    public async Task EmptyProfile_SaysWhy_AndEmptyListSearchSaysSo()
    {
        var name = CatalogSeed.Unique("images");
        await _seed.DatasetVersionAsync(name, null);

        var (status, body, _) = await server.GetPageAsync($"datasets/{name}/versions/1");
        var (_, none, _) = await server.GetPageAsync("datasets?q=zz-nothing-starts-like-this");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("No profile stored for this version", body, StringComparison.Ordinal);
        Assert.Contains("No dataset name starts with this text.", none, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("datasets/no-such-dataset-h6")]
    [InlineData("datasets/no-such-dataset-h6/versions/1")]
    [InlineData("datasets/no-such-dataset-h6/diff?a=1&b=2")]
    public async Task UnknownDataset_Is404Page(string url)
    {
        var (status, body, _) = await server.GetPageAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no-such-dataset-h6", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("versions/abc", "version")]
    [InlineData("versions/0", "version")]
    [InlineData("diff?a=abc&b=1", "a")]
    [InlineData("diff?a=1", "b")]
    [InlineData("diff?a=1&b=-2", "b")]
    public async Task BadVersionOrDiffParameter_Is400NamingIt(string suffix, string parameter)
    {
        var name = CatalogSeed.Unique("params");
        await _seed.DatasetVersionAsync(name, null);

        var (status, body, _) = await server.GetPageAsync($"datasets/{name}/{suffix}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"parameter '{parameter}'", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVersionOfExistingDataset_Is404()
    {
        var name = CatalogSeed.Unique("known");
        await _seed.DatasetVersionAsync(name, null);

        var (status, _, _) = await server.GetPageAsync($"datasets/{name}/versions/5");
        var (diff, _, _) = await server.GetPageAsync($"datasets/{name}/diff?a=1&b=5");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(HttpStatusCode.NotFound, diff);
    }
}
