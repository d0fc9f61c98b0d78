using Keel.Core.Tracking;
using Keel.Testing.Browser;
using Keel.Web.Infrastructure;
using Microsoft.Playwright;

namespace Keel.Web.Tests.Safety;

/// <summary>User input (run names, params, tags, artifact contents) renders as text, and no injected script runs.</summary>
public sealed class XssBrowserTests(UiServerFixture server, HeadlessChromium chromium)
    : IClassFixture<UiServerFixture>, IClassFixture<HeadlessChromium>
{
    private const string ScriptPayload = "<script>window.__xss=1</script>";
    private const string ImagePayload = "<img src=x onerror=\"window.__xss=1\">";

    private async Task<(string ExperimentId, Run Evil, Run Plain)> SeedAsync()
    {
        var experimentId = await server.CreateExperimentAsync("xss");
        var evil = await server.CreateRunAsync(experimentId, ScriptPayload,
            new Dictionary<string, string> { ["payload"] = ImagePayload },
            new Dictionary<string, double> { ["acc"] = 0.5 },
            [new Tag("note", ImagePayload + ScriptPayload)]);
        var plain = await server.CreateRunAsync(experimentId, "plain",
            new Dictionary<string, string> { ["payload"] = "safe" }, new Dictionary<string, double> { ["acc"] = 0.6 });
        await server.PutArtifactAsync(evil, "evil.txt", ScriptPayload + ImagePayload);
        await server.PutArtifactAsync(evil, "evil.html", "<html><body>" + ScriptPayload + "</body></html>");
        await server.PutArtifactAsync(evil, "table.csv", "col\n\"" + ImagePayload.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"\n");
        return (experimentId, evil, plain);
    }

    private static async Task AssertNoScriptRanAsync(IPage page)
    {
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), "an injected script ran");
        // An injected element would be a real <img src=x> or <script> in the DOM, not text.
        Assert.Equal(0, await page.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
    }

    [Fact]
    public async Task Payloads_InRunNameParamTagAndArtifacts_RenderAsTextAndNoScriptRuns()
    {
        var (experimentId, evil, plain) = await SeedAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        // Runs table with the param and tag columns chosen.
        var tableResponse = await page.GotoAsync(server.Url($"experiments/{experimentId}/runs?cols=params.payload,tags.note"));
        Assert.Equal(UiSecurityHeaders.ContentSecurityPolicy, await tableResponse!.HeaderValueAsync("content-security-policy"));
        Assert.Equal("nosniff", await tableResponse.HeaderValueAsync("x-content-type-options"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = ScriptPayload })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table.runs-table td", new() { HasText = ImagePayload }).First).ToBeVisibleAsync();
        await AssertNoScriptRanAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "xss-runs-table");

        // Run page: name, param, tag, and the text artifact's preview.
        var runResponse = await page.GotoAsync(server.Url($"runs/{evil.Info.RunId}?artifact=evil.txt"));
        Assert.Equal(UiSecurityHeaders.ContentSecurityPolicy, await runResponse!.HeaderValueAsync("content-security-policy"));
        Assert.Equal(ScriptPayload, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(ImagePayload, await page.Locator(".params-table td").First.InnerTextAsync());
        await Assertions.Expect(page.Locator(".tags-table td", new() { HasText = ImagePayload + ScriptPayload })).ToBeVisibleAsync();
        Assert.Equal(ScriptPayload + ImagePayload, await page.Locator("pre.artifact-text").InnerTextAsync());
        await AssertNoScriptRanAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "xss-run-page");

        // CSV cells, the HTML artifact (never inline), and the compare page.
        await page.GotoAsync(server.Url($"runs/{evil.Info.RunId}?artifact=table.csv"));
        Assert.Equal(ImagePayload, await page.Locator("table.artifact-table tbody td").First.InnerTextAsync());
        await AssertNoScriptRanAsync(page);
        await page.GotoAsync(server.Url($"runs/{evil.Info.RunId}?artifact=evil.html"));
        await Assertions.Expect(page.Locator(".preview")).ToContainTextAsync("never shown inline");
        Assert.Equal(0, await page.Locator("iframe, object, embed").CountAsync());
        await AssertNoScriptRanAsync(page);
        await page.GotoAsync(server.Url($"compare?runs={evil.Info.RunId},{plain.Info.RunId}"));
        await Assertions.Expect(page.Locator(".metric-chart[data-key='acc']")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(page.Locator("#scatter")).ToHaveAttributeAsync("data-state", "ready");
        await AssertNoScriptRanAsync(page);
        await HeadlessChromium.ScreenshotAsync(page, "xss-compare");

        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task InlineScript_WouldBeBlockedByTheContentSecurityPolicy()
    {
        // Proves the policy is enforced by the browser, not just sent: a script injected into the DOM does not run.
        var (experimentId, _, _) = await SeedAsync();
        var (context, page) = await chromium.NewPageAsync();
        await using var __ = context;
        await page.GotoAsync(server.Url($"experiments/{experimentId}/runs"));

        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__xss = 1'; document.body.appendChild(s); }");

        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"));
    }
}
