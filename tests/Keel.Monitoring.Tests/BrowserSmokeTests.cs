using Keel.Testing.Browser;

namespace Keel.Monitoring.Tests;

public sealed class BrowserSmokeTests(HeadlessChromium chromium) : IClassFixture<HeadlessChromium>
{
    [Fact]
    public async Task Chromium_renders_inline_svg()
    {
        var (context, page) = await chromium.NewPageAsync();
        await using var _ = context;
        await page.SetContentAsync("<svg id='plot' width='40' height='20'><rect width='40' height='20'/></svg>");
        var box = await page.Locator("#plot").BoundingBoxAsync();
        Assert.Equal(40, box!.Width);
    }
}
