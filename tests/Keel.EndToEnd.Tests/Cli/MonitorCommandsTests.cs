using System.Globalization;
using Keel.Client;
using Keel.Core.Monitoring.PredictionLogs;
using Keel.EndToEnd.Tests.Support;
using Keel.Monitoring.PredictionLogs;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class MonitorCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly KeelClient _client = new(fixture.Server.BaseAddress);
    private readonly TempDirectory _local = new("keel-e2e-monitor");

    private string Uri => fixture.Server.BaseAddress.ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _local.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", Uri]);

    private static string NewName(string prefix = "mon") => $"{prefix}-{Guid.NewGuid():N}";

    private string File(string yaml)
    {
        var path = Path.Combine(_local.Path, $"{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>Logs one-row requests into the server's prediction log, as serving replicas do.</summary>
    private async Task LogAsync(string deployment, DateTimeOffset start, int rows, double ageMean)
    {
        var builder = new PredictionSegmentBuilder();
        var random = new Random(rows + (int)ageMean);
        for (var i = 0; i < rows; i++)
        {
            builder.Add(new PredictionRecord($"r-{Guid.NewGuid():N}", 0, start.AddSeconds(i), deployment, "m", "1", "champion", false, 5, 200,
                new Dictionary<string, object?> { ["age"] = ageMean + (random.NextDouble() * 10), ["plan"] = i % 3 == 0 ? "pro" : "basic" },
                new Dictionary<string, object?> { ["prediction"] = 1L }));
        }
        var name = PredictionSegmentName.Create(builder.First!.Value, builder.Last!.Value, "cli");
        await new PredictionLogStore(fixture.Server.Stores.Artifacts).WriteSegmentAsync(deployment, name.ToString(), new MemoryStream(await builder.ToArrayAsync(Ct)), Ct);
    }

    [Fact]
    public async Task CreateListShowRun_TrafficReference_PrintsWhatDrifted()
    {
        var name = NewName();
        var deployment = NewName("dep");
        await LogAsync(deployment, T0.AddDays(-1), 150, ageMean: 30);
        await LogAsync(deployment, T0, 150, ageMean: 60);
        var file = File($"""
            name: {name}
            deployment: {deployment}
            reference: {"{"}kind: traffic, offset: 1d{"}"}
            window: 1h
            alerts: [{"{"}name: drift, kind: drift, feature: age{"}"}]
            """);

        var created = await Keel("monitor", "create", "-f", file);
        var listed = await Keel("monitor", "list", "--deployment", deployment);
        var notRun = await Keel("monitor", "show", name);
        var run = await Keel("monitor", "run", name, "--at", "2025-03-01T13:00:00Z");
        var shown = await Keel("monitor", "show", name);
        var json = await Keel("monitor", "show", name, "--output", "json");
        var alerts = await Keel("monitor", "alerts", "--monitor", name, "--output", "json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Created monitor '{name}' watching deployment '{deployment}'.", created.Stdout, StringComparison.Ordinal);
        Assert.Contains(name, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Not run yet", notRun.Stdout, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("DATASET DRIFT", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 2 features drifted", run.Stdout, StringComparison.Ordinal);
        Assert.Single(run.Stdout.Split('\n'), l => l.Contains("age", StringComparison.Ordinal) && l.Contains("DRIFTED", StringComparison.Ordinal));
        Assert.Contains("Alerts fired by this run", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("DATASET DRIFT", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("Recent alerts", shown.Stdout, StringComparison.Ordinal);
        Assert.True(json.Json["latest"]!["drift"]!["dataset_drift"]!.GetValue<bool>());
        Assert.Equal(name, json.Json["monitor"]!["name"]!.GetValue<string>());
        Assert.Equal("drift", Assert.Single(alerts.Json["alerts"]!.AsArray())!["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_File_ReplacesTheSpec()
    {
        var name = NewName();
        await Keel("monitor", "create", "-f", File($"name: {name}\ndeployment: churn\n"));

        var updated = await Keel("monitor", "update", name, "-f", File("deployment: churn\nwindow: 5m\nschedule: \"*/5 * * * *\"\n"));

        Assert.True(updated.ExitCode == 0, updated.ToString());
        var stored = await _client.GetMonitorAsync(name, Ct);
        Assert.Equal("5m", stored.Spec.Window);
        Assert.NotNull(stored.NextRunAt);
    }

    [Fact]
    public async Task Delete_WithYes_RemovesTheMonitor()
    {
        var name = NewName();
        await Keel("monitor", "create", "-f", File($"name: {name}\ndeployment: churn\n"));

        var refused = await Keel("monitor", "delete", name);
        var deleted = await Keel("monitor", "delete", name, "--yes");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Stderr, StringComparison.Ordinal);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.DoesNotContain(await _client.ListMonitorsAsync(ct: Ct), m => m.Name == name);
    }

    [Fact]
    public async Task Create_UnknownKey_FailsNamingItAndStoresNothing()
    {
        var name = NewName();

        var result = await Keel("monitor", "create", "-f", File($"name: {name}\ndeployment: churn\nwindw: 1h\n"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown key 'windw'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(await _client.ListMonitorsAsync(ct: Ct), m => m.Name == name);
    }

    [Fact]
    public async Task Create_BadCron_FailsNamingTheSchedule()
    {
        var result = await Keel("monitor", "create", "-f", File($"name: {NewName()}\ndeployment: churn\nschedule: \"often\"\n"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'schedule'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MissingFile_IsAUsageError()
    {
        var result = await Keel("monitor", "create", "-f", Path.Combine(_local.Path, "absent.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownMonitor_FailsWithNotFound()
    {
        var result = await Keel("monitor", "show", NewName("ghost"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadTime_IsAUsageError()
    {
        var result = await Keel("monitor", "run", "whatever", "--at", "noon");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid --at 'noon'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_MaxResultsOutOfRange_IsAUsageError()
    {
        var result = await Keel("monitor", "alerts", "--max-results", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--max-results", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EmptyWindow_PrintsTheProblem()
    {
        var name = NewName();
        await Keel("monitor", "create", "-f", File($"name: {name}\ndeployment: {NewName("quiet")}\n"));

        var result = await Keel("monitor", "run", name, "--at", T0.ToString("O", CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Problem: No predictions were logged", result.Stdout, StringComparison.Ordinal);
    }
}
