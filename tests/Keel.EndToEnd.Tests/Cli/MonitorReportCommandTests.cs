using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Statistics;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel monitor report</c> against a real server whose monitor store holds results.</summary>
public sealed class MonitorReportCommandTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _folder = new("keel-report-cli");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _folder.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", fixture.Server.BaseAddress.ToString()]);

    private async Task<string> DeploymentWithResultsAsync()
    {
        var deployment = $"dep-{Guid.NewGuid():N}";
        var monitor = $"mon-{Guid.NewGuid():N}";
        await _client.CreateMonitorFromYamlAsync($"name: {monitor}\ndeployment: {deployment}\nwindow: 1h\n", Ct);
        foreach (var hour in new[] { 1, 2 })
        {
            var at = Day.AddHours(hour);
            var age = new FeatureDriftResult("age", FeatureKind.Numeric, DriftMethod.KolmogorovSmirnov, 0.2, 0.3 / hour, 0.05, false, 50, 40, null,
                [new HistogramBin(0, 10, null, 0.4, 0.3), new HistogramBin(10, 20, null, 0.6, 0.7)]);
            await fixture.Server.Stores.Monitors.AddResultAsync(new MonitorRunResult(monitor, deployment, at, at.AddHours(-1), at, "dataset d v1", 50, 40,
                new DatasetDriftResult([age], 0, 0.5, false), null, new ServingStats(40, 0, 0, 2, 9), [], null), Ct);
        }
        return deployment;
    }

    [Fact]
    public async Task Report_WritesTheHtmlAndTheJsonBesideItAndPrintsBothPaths()
    {
        var deployment = await DeploymentWithResultsAsync();
        var html = Path.Combine(_folder.Path, "report.html");

        var result = await Keel("monitor", "report", "--deployment", deployment, "--from", "2025-03-01", "--to", "2025-03-02T00:00:00Z", "--output-file", html);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = Path.Combine(_folder.Path, "report.json");
        Assert.Contains($"HTML report: {html}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"JSON report: {json}", result.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(html, Ct), StringComparison.Ordinal);
        Assert.Contains("data-plot=\"histogram\" data-feature=\"age\"", await File.ReadAllTextAsync(html, Ct), StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(json, Ct))!;
        Assert.Equal(2, report["run_count"]!.GetValue<int>());
        Assert.Equal("2025-03-01T00:00:00+00:00", report["since"]!.GetValue<string>());
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.partial"));
    }

    [Fact]
    public async Task Report_RelativeRangeWithoutRuns_SaysSo()
    {
        var html = Path.Combine(_folder.Path, "empty.html");

        var result = await Keel("monitor", "report", "--deployment", $"dep-{Guid.NewGuid():N}", "--from", "-24h", "--output-file", html);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No monitor runs in this range", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "empty.json")));
    }

    [Theory]
    [InlineData("--from", "yesterday", "--from must be an ISO-8601 time")]
    [InlineData("--to", "03/01/2025", "--to must be an ISO-8601 time")]
    [InlineData("--from", "now", "--from (")]
    [InlineData("--output-file", "report.json", "--output-file names the HTML page, so it cannot end in .json")]
    public async Task Report_BadOption_FailsWithOneLineNamingIt(string option, string value, string message)
    {
        var result = await Keel("monitor", "report", "--deployment", "churn", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "monitor-report.html.partial")));
    }
}
