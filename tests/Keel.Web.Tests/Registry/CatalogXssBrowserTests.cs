using Keel.Core.Deployments;
using Keel.Core.Tracking;
using Keel.Testing.Browser;
using Keel.Web.Tests.Monitoring;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Registry;

/// <summary>
/// Script payloads in every user-controlled value of the registry, dataset, deployment and monitoring pages render as
/// text, and none of them runs (checked in the browser: <c>window.__xss</c> stays undefined).
/// </summary>
public sealed class CatalogXssBrowserTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private const string Script = "<script>window.__xss=1</script>";
    private const string Image = "<img src=x onerror=\"window.__xss=1\">";

    private readonly CatalogSeed _seed = new(server);

    [Fact]
    public async Task ScriptPayloads_InNamesDescriptionsTagsAndFeatures_RenderAsText()
    {
        // Model names may not contain '/', so the name carries the <img> payload and the description the <script> one.
        var model = Image + CatalogSeed.Unique("m");
        var dataset = await _seed.DatasetVersionAsync(CatalogSeed.Unique("xss-data"), CatalogSeed.Profile(),
            [new Tag("note", Script)], description: Image);
        await _seed.ModelFromRunAsync(model, dataset, Script, [new Tag("owner", Image)]);
        await _seed.Registry.SetModelVersionTagAsync(model, "1", "comment", Script);
        var deployment = Image + CatalogSeed.Unique("d");
        await _seed.DeploymentAsync(deployment, [new TrafficRoute("main", $"models:/{model}/1", 1)]);
        var monitor = await MonitoringPagesTests.SeedAsync(server, Image + CatalogSeed.Unique("mon"), deployment, [Image, Script], hours: 2);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        var dialogs = 0;
        page.Dialog += async (sender, dialog) => { dialogs++; await dialog.DismissAsync(); };

        string[] pages =
        [
            "models",
            $"models/{Uri.EscapeDataString(model)}",
            $"models/{Uri.EscapeDataString(model)}/versions/1",
            "datasets",
            $"datasets/{dataset.Name}/versions/1",
            "deployments",
            $"deployments/{Uri.EscapeDataString(deployment)}",
            "monitoring",
            $"monitoring/{Uri.EscapeDataString(monitor)}",
        ];
        foreach (var url in pages)
        {
            await page.GotoAsync(server.Url(url));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), $"a payload ran on {url}");
            Assert.Equal(0, await page.Locator("main img").CountAsync());
            Assert.Equal(0, await page.Locator("main script").CountAsync());
        }

        // The payloads are visible as text where they belong.
        await page.GotoAsync(server.Url($"models/{Uri.EscapeDataString(model)}"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(model);
        await Assertions.Expect(page.Locator(".model-description")).ToHaveTextAsync(Script);
        await Assertions.Expect(page.Locator(".tags-table td.tag-value")).ToHaveTextAsync(Image);
        await page.GotoAsync(server.Url($"models/{Uri.EscapeDataString(model)}/versions/1"));
        await Assertions.Expect(page.Locator("a.lineage-deployment title")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Deployment: <img"));
        await page.GotoAsync(server.Url($"datasets/{dataset.Name}/versions/1"));
        await Assertions.Expect(page.Locator(".tag-chip")).ToHaveTextAsync("note=" + Script);
        await page.GotoAsync(server.Url($"monitoring/{Uri.EscapeDataString(monitor)}"));
        await Assertions.Expect(page.Locator(".feature-table tbody th").First).ToHaveTextAsync(Image);
        await Assertions.Expect(page.Locator(".feature-card .timeseries-chart").First).ToHaveAttributeAsync("data-state", "ready");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"));
        Assert.Equal(0, dialogs);
        await HeadlessChromium.ScreenshotAsync(page, "catalog-xss");
    }
}
