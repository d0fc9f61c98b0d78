using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keel.Contracts.Mlflow;
using Keel.Core.Tracking;
using Keel.Testing;
using Keel.Testing.Browser;
using Microsoft.Playwright;

namespace Keel.Benchmarks;

/// <summary>
/// The web UI in headless Chromium: the runs page of an experiment with many runs (first page, sorted by a metric)
/// and a run page whose chart draws a long metric history, each against the bare API call for the same data,
/// timed alternately in the same run.
/// </summary>
internal sealed class UiBenchmark : IBenchmark
{
    private const double TargetMs = 1000;
    private const int SeedBatch = 10_000;

    public string Name => "ui";

    public string Summary => "web UI in headless Chromium: runs page (10k runs x 20 metrics) and a 100k-point chart vs the bare API calls";

    public IReadOnlyList<IntOption> Options { get; } =
    [
        new("runs", 10_000, 1, 1_000_000, "runs seeded into one experiment"),
        new("metrics", 20, 1, 900, "metrics per run (m0.., values in [0,1); the page sorts by m7)"),
        new("params", 5, 0, 100, "params per run"),
        new("points", 100_000, 2, 10_000_000, "points of the charted metric history"),
        new("iterations", 10, 1, 1000, "timed page loads per page"),
    ];

    public async Task RunAsync(BenchmarkArgs args)
    {
        Console.WriteLine($"ui: {Report.Count(args["runs"])} runs x {args["metrics"]} metrics x {args["params"]} params; chart of {Report.Count(args["points"])} points; {args["iterations"]} timed loads each");
        Console.WriteLine($"server: in-process Kestrel on 127.0.0.1 (KeelTestServer, SQLite), browser: headless Chromium ({HeadlessChromium.ExecutablePath}) at 1280x800, {Environment.ProcessorCount} cores");
        Console.WriteLine("page time: navigation start until the page's load event (runs page) or until the chart reports it has drawn (run page); a fresh browser context (empty cache) per load, made outside the timing");

        await using var server = await KeelTestServer.StartAsync();
        var seeding = Stopwatch.GetTimestamp();
        var (experimentId, chartRunId) = await UiBenchmarkSeed.SeedAsync(server.Stores.Tracking, args["runs"], args["metrics"], args["params"], args["points"], SeedBatch);
        Console.WriteLine($"seeded through the tracking store in {Stopwatch.GetElapsedTime(seeding).TotalSeconds:0.0} s");

        var chromium = new HeadlessChromium();
        await chromium.InitializeAsync();
        try
        {
            using var http = BenchHttp.Connect(server.BaseAddress);
            var runsPageUrl = new Uri(server.BaseAddress, $"experiments/{experimentId}/runs?order={Uri.EscapeDataString("metrics.`m7` DESC")}").ToString();
            var searchBody = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["experiment_ids"] = new[] { experimentId },
                ["order_by"] = new[] { "metrics.`m7` DESC" },
                ["max_results"] = 50,
            });
            var runPageUrl = new Uri(server.BaseAddress, $"runs/{chartRunId}").ToString();
            using var pageHttp = new HttpClient();
            var floorUrl = new Uri(server.BaseAddress, "no-such-page").ToString();
            var seriesUrl = new Uri(server.BaseAddress, $"ui-api/runs/{chartRunId}/metrics/loss?points=1000").ToString();
            var historyUrl = $"{MlflowRoutes.MetricsGetHistory}?run_id={chartRunId}&metric_key=loss";

            var rows = new List<IReadOnlyList<string>>
            {
                await MeasureAsync($"runs page, first 50 of {Report.Count(args["runs"])} (sort by metric)", args["iterations"], chromium,
                    page => LoadRunsPageAsync(page, runsPageUrl),
                    () => http.PostOkAsync(MlflowRoutes.RunsSearch, searchBody), "API runs/search, 50 runs"),
                await MeasureAsync("  same page, static files cached (a later visit)", args["iterations"], chromium,
                    page => LoadRunsPageAsync(page, runsPageUrl),
                    () => http.PostOkAsync(MlflowRoutes.RunsSearch, searchBody), "API runs/search, 50 runs", warmCache: true),
                await MeasureAsync("  browser floor: the UI's 404 page (layout, CSS, JS, no data)", args["iterations"], chromium,
                    page => page.GotoAsync(floorUrl, new() { WaitUntil = WaitUntilState.Load }),
                    () => http.PostOkAsync(MlflowRoutes.RunsSearch, searchBody), "API runs/search, 50 runs"),
                await MeasureAsync("  same page's HTML only (HttpClient)", args["iterations"], chromium,
                    _ => pageHttp.GetByteArrayAsync(runsPageUrl),
                    () => http.PostOkAsync(MlflowRoutes.RunsSearch, searchBody), "API runs/search, 50 runs"),
                await MeasureAsync($"run page, chart of {Report.Count(args["points"])} points", args["iterations"], chromium,
                    page => LoadChartAsync(page, runPageUrl),
                    () => http.GetByteArrayAsync(historyUrl), "API get-history, all points"),
                await MeasureAsync("  the chart's downsampled series only (HttpClient)", args["iterations"], chromium,
                    _ => pageHttp.GetByteArrayAsync(seriesUrl),
                    () => http.GetByteArrayAsync(historyUrl), "API get-history, all points"),
            };
            Console.WriteLine();
            Report.Table(["page", "page median / p95", "reference", "reference median / p95", "ratio (medians)", "target", "result"], rows);
        }
        finally
        {
            await chromium.DisposeAsync();
        }
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(
        string name, int iterations, HeadlessChromium chromium, Func<IPage, Task> load, Func<Task> reference, string referenceName,
        bool warmCache = false)
    {
        // A fresh context per load (empty cache, as a first visit), created and disposed outside the timing; with
        // warmCache the page is loaded once untimed first, so the static files come from the browser's cache.
        async Task<double> TimedLoadAsync()
        {
            var (context, page) = await chromium.NewPageAsync();
            await using var _ = context;
            if (warmCache)
            {
                await load(page);
            }
            var started = Stopwatch.GetTimestamp();
            await load(page);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Untimed: JIT, the browser's first context, SQLite's page cache.
        await TimedLoadAsync();
        await reference();
        var pageTimes = new List<double>(iterations);
        var referenceTimes = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            pageTimes.Add(await TimedLoadAsync());
            var started = Stopwatch.GetTimestamp();
            await reference();
            referenceTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var pageStats = LatencySummary.Of(pageTimes);
        var referenceStats = LatencySummary.Of(referenceTimes);
        return
        [
            name, $"{Report.Ms(pageStats.P50)} / {Report.Ms(pageStats.P95)}", referenceName,
            $"{Report.Ms(referenceStats.P50)} / {Report.Ms(referenceStats.P95)}", Report.Ratio(pageStats.P50 / referenceStats.P50),
            $"median < {TargetMs:0} ms", Report.Verdict(pageStats.P50 < TargetMs),
        ];
    }

    private static async Task LoadRunsPageAsync(IPage page, string url)
    {
        var response = await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });
        if (response is null || !response.Ok || await page.Locator("table.runs-table tbody tr").CountAsync() != 50)
        {
            throw new InvalidOperationException($"the runs page did not show 50 runs (HTTP {response?.Status})");
        }
    }

    private static async Task LoadChartAsync(IPage page, string url)
    {
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        var chart = page.Locator(".metric-chart[data-key='loss'][data-state='ready'] canvas");
        await chart.WaitForAsync(new() { Timeout = 30_000 });
        var total = await page.Locator(".metric-chart[data-key='loss']").GetAttributeAsync("data-total-points");
        if (total is null || int.Parse(total, CultureInfo.InvariantCulture) < 2)
        {
            throw new InvalidOperationException("the chart drew no points");
        }
    }
}
