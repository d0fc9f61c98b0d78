using Microsoft.Playwright;
using Xunit;

namespace Keel.Testing.Browser;

/// <summary>
/// One headless Chromium per test class (use as a class fixture): Debian's <c>chromium</c>, installed by
/// <c>./test.sh</c>, driven by Playwright without <c>playwright install</c>. Pages start with a 1280×800 viewport.
/// </summary>
public sealed class HeadlessChromium : IAsyncLifetime
{
    /// <summary>Where Debian's package puts the browser; <c>KEEL_CHROMIUM</c> overrides it.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("KEEL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser has not started");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"no Chromium at {ExecutablePath}: run ./test.sh (it installs Debian's chromium) or set KEEL_CHROMIUM");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh context and page (1280×800, <paramref name="colorScheme"/>); dispose the context when done.</summary>
    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            ColorScheme = colorScheme,
        });
        return (context, await context.NewPageAsync());
    }

    /// <summary>
    /// Saves a full-page screenshot as a test artifact under <c>TestResults/screenshots/&lt;name&gt;.png</c> beside the
    /// test assembly (or <c>KEEL_SCREENSHOTS</c>) and returns its path.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("KEEL_SCREENSHOTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
