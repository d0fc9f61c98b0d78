using System.Net;
using Keel.Core.Deployments;
using Keel.Testing.Browser;
using Keel.Web.Tests.Registry;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Deployments;

public sealed class DeploymentPagesTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private readonly CatalogSeed _seed = new(server);

    [Fact]
    public async Task DeploymentPage_ShowsRoutesWithSharesLinkedModelsShadowsAndHistory()
    {
        var model = CatalogSeed.Unique("fraud");
        await _seed.ModelFromRunAsync(model, null);
        await _seed.ModelFromRunAsync(model, null);
        await _seed.Registry.SetAliasAsync(model, "champion", "1");
        var name = CatalogSeed.Unique("fraud-svc");
        await _seed.DeploymentAsync(name, [new TrafficRoute("champion", $"models:/{model}@champion", 100)]);
        await _seed.Deployments.UpdateAsync(name, new DeploymentSpec(name,
            [new TrafficRoute("champion", $"models:/{model}@champion", 3), new TrafficRoute("canary", $"models:/{model}/2", 1)],
            [new ShadowRoute("challenger", $"models:/{model}/latest")], "X-User"));
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(server.Url("deployments"));
        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();

        var champion = page.Locator(".routes-table tr[data-route='champion']");
        await Assertions.Expect(champion.Locator(".share")).ToHaveTextAsync("75%");
        Assert.Equal("75", await champion.Locator("rect.weight-fill").GetAttributeAsync("width"));
        await Assertions.Expect(page.Locator(".routes-table tr[data-route='canary'] .share")).ToHaveTextAsync("25%");
        await Assertions.Expect(champion).ToContainTextAsync("version 1");
        Assert.Equal($"/models/{model}/versions/1", await champion.GetByRole(AriaRole.Link).GetAttributeAsync("href"));
        await Assertions.Expect(page.Locator(".shadows-table")).ToContainTextAsync("version 2");
        await Assertions.Expect(page.Locator(".summary-list")).ToContainTextAsync("X-User");
        Assert.Equal(2, await page.Locator(".history-table tbody tr").CountAsync());
        await HeadlessChromium.ScreenshotAsync(page, "deployment-page");

        await champion.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("version 1");
    }

    [Fact]
    public async Task DeploymentsList_ShowsSharesSummary()
    {
        var name = CatalogSeed.Unique("list-svc");
        await _seed.DeploymentAsync(name, [new TrafficRoute("a", "models:/unregistered-h6/1", 1), new TrafficRoute("b", "models:/unregistered-h6/2", 1)]);

        var (status, body, _) = await server.GetPageAsync("deployments");
        var (_, detail, _) = await server.GetPageAsync($"deployments/{name}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("a 50%, b 50%", body, StringComparison.Ordinal);
        Assert.Contains("(not in the registry)", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDeployment_Is404Page()
    {
        var (status, body, response) = await server.GetPageAsync("deployments/no-such-deployment-h6");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-deployment-h6", body, StringComparison.Ordinal);
    }
}
