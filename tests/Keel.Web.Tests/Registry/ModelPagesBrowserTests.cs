using Keel.Core.Deployments;
using Keel.Testing.Browser;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Registry;

public sealed class ModelPagesBrowserTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private readonly CatalogSeed _seed = new(server);

    [Fact]
    public async Task ModelVersionPage_LineageGraph_LinksDatasetRunAndDeployment_AndClickThroughOpensTheDataset()
    {
        var dataset = await _seed.DatasetVersionAsync(CatalogSeed.Unique("churn-data"), CatalogSeed.Profile());
        var model = CatalogSeed.Unique("churn");
        var (run, _) = await _seed.ModelFromRunAsync(model, dataset, "Predicts churn.");
        await _seed.Registry.SetAliasAsync(model, "champion", "1");
        var deployment = CatalogSeed.Unique("churn-svc");
        await _seed.DeploymentAsync(deployment, [new TrafficRoute("champion", $"models:/{model}@champion", 90), new TrafficRoute("other", "models:/elsewhere/1", 10)]);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url("models"));
        await page.GetByRole(AriaRole.Link, new() { Name = model, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(model);
        await page.GetByRole(AriaRole.Link, new() { Name = "Version 1", Exact = true }).First.ClickAsync();

        var graph = page.Locator("svg.lineage-graph");
        await Assertions.Expect(graph).ToBeVisibleAsync();
        var datasetNode = graph.Locator("a[data-node='dataset-0']");
        Assert.Equal($"/datasets/{dataset.Name}/versions/{dataset.Version}", await datasetNode.GetAttributeAsync("href"));
        Assert.Equal($"/runs/{run.Info.RunId}", await graph.Locator("a[data-node='run']").GetAttributeAsync("href"));
        Assert.Equal($"/deployments/{deployment}", await graph.Locator("a[data-node='deployment-0']").GetAttributeAsync("href"));
        Assert.Contains("champion · 90%", await graph.Locator("a[data-node='deployment-0']").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await graph.Locator("path.lineage-edge").CountAsync());
        // The package's signature and model card are shown as text.
        Assert.Equal(["age", "city"], await page.Locator(".signature-table").First.Locator("tbody th").AllInnerTextsAsync());
        await Assertions.Expect(page.Locator("pre.model-card")).ToContainTextAsync("Intended use: ranking customers.");
        await HeadlessChromium.ScreenshotAsync(page, "model-version-lineage");

        // Keyboard: the dataset node is a real, focusable link (Tab reaches it); following it opens the dataset version.
        await datasetNode.FocusAsync();
        await Assertions.Expect(datasetNode).ToBeFocusedAsync();
        await datasetNode.ClickAsync();
        await page.WaitForURLAsync($"**/datasets/{dataset.Name}/versions/{dataset.Version}",
            new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(dataset.Name);
    }

    [Fact]
    public async Task ModelVersionPage_DarkScheme_UsesTheDarkThemeForPageAndGraph()
    {
        var model = CatalogSeed.Unique("dark");
        await _seed.ModelFromRunAsync(model, null);
        var (context, page) = await chromium.NewPageAsync(ColorScheme.Dark);
        await using var _ = context;

        await page.GotoAsync(server.Url($"models/{model}/versions/1"));

        Assert.Equal("rgb(20, 23, 27)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        Assert.Equal("rgb(29, 34, 40)", await page.Locator("a[data-node='model'] rect").EvaluateAsync<string>("e => getComputedStyle(e).fill"));
        await Assertions.Expect(page.Locator("g[data-node='not-deployed']")).ToContainTextAsync("Not deployed");
        await HeadlessChromium.ScreenshotAsync(page, "model-version-dark");
    }

    [Fact]
    public async Task ModelPage_EditDescriptionThroughTheForm_SavesIt()
    {
        var model = CatalogSeed.Unique("editable");
        await _seed.ModelFromRunAsync(model, null, "old text");
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url($"models/{model}"));
        await page.GetByText("Edit description").ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Description" }).FillAsync("Gradient boosting, retrained weekly.\nSecond line.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save description" }).ClickAsync();

        await Assertions.Expect(page.Locator(".model-description")).ToHaveTextAsync("Gradient boosting, retrained weekly.\nSecond line.");
        Assert.Equal("Gradient boosting, retrained weekly.\nSecond line.", (await _seed.Registry.GetRegisteredModelAsync(model)).Description);
        Assert.EndsWith($"/models/{model}", page.Url, StringComparison.Ordinal);
        await HeadlessChromium.ScreenshotAsync(page, "model-page-edited");
    }

    [Fact]
    public async Task ModelPage_SetAliasTagAndStage_ThroughTheForms()
    {
        var model = CatalogSeed.Unique("forms");
        await _seed.ModelFromRunAsync(model, null);
        await _seed.ModelFromRunAsync(model, null);
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(server.Url($"models/{model}"));

        await page.GetByLabel("Alias", new() { Exact = true }).FillAsync("champion");
        await page.GetByLabel("Version", new() { Exact = true }).SelectOptionAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set alias" }).ClickAsync();
        await Assertions.Expect(page.Locator(".aliases-table tbody tr")).ToHaveCountAsync(1);
        await page.Locator("#model-tag-key").FillAsync("team");
        await page.Locator("#model-tag-value").FillAsync("growth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set tag" }).ClickAsync();
        await Assertions.Expect(page.Locator(".tags-table td.tag-value")).ToHaveTextAsync("growth");

        await page.GotoAsync(server.Url($"models/{model}/versions/2"));
        await page.GetByLabel("Move to").SelectOptionAsync("Production");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change stage" }).ClickAsync();
        await Assertions.Expect(page.Locator(".summary-list .stage-badge").First).ToHaveTextAsync("Production");

        var stored = await _seed.Registry.GetRegisteredModelAsync(model);
        Assert.Equal(1, Assert.Single(stored.Aliases).Version);
        Assert.Equal("growth", Assert.Single(stored.Tags).Value);
        Assert.Equal("Production", (await _seed.Registry.GetModelVersionAsync(model, "2")).CurrentStage);
        await HeadlessChromium.ScreenshotAsync(page, "model-version-stage");
    }
}
