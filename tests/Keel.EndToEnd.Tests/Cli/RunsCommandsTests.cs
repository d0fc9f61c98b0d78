using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

public sealed class RunsCommandsTests(KeelServerFixture fixture) : IClassFixture<KeelServerFixture>, IDisposable
{
    private readonly KeelClient _client = new(fixture.Server.BaseAddress);

    private string Uri => fixture.Server.BaseAddress.ToString();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task List_ByExperimentName_PrintsTheRunsAsWireJson()
    {
        var (name, _) = await CreateExperimentAsync();
        var slow = await CreateRunAsync(name, "slow", learningRate: "0.01", auc: 0.91);
        var fast = await CreateRunAsync(name, "fast", learningRate: "0.3", auc: 0.97);

        var listed = await KeelCommandLine.RunAsync("runs", "list", "--experiment-name", name, "--tracking-uri", Uri, "-o", "json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var runs = listed.Json["runs"]!.AsArray();
        Assert.Equal(
            new[] { fast, slow }.Order(StringComparer.Ordinal),
            runs.Select(r => r!["info"]!["run_id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var fastRun = runs.Single(r => r!["info"]!["run_id"]!.GetValue<string>() == fast)!;
        Assert.Equal("FINISHED", fastRun["info"]!["status"]!.GetValue<string>());
        Assert.Contains(fastRun["data"]!["params"]!.AsArray(), p => p!["key"]!.GetValue<string>() == "learning_rate" && p["value"]!.GetValue<string>() == "0.3");
        Assert.Contains(fastRun["data"]!["metrics"]!.AsArray(), m => m!["key"]!.GetValue<string>() == "auc" && m["value"]!.GetValue<double>() == 0.97);
    }

    [Fact]
    public async Task List_Table_ShowsIdNameStatusParamsAndLatestMetrics()
    {
        var (_, experimentId) = await CreateExperimentAsync();
        var runId = await CreateRunAsync(experimentId, "tabled", learningRate: "0.125", auc: 0.875, byId: true);

        var listed = await KeelCommandLine.RunAsync("runs", "list", "--experiment-id", experimentId, "--tracking-uri", Uri);

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("learning_rate", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("auc", listed.Stdout, StringComparison.Ordinal);
        var row = Assert.Single(listed.Stdout.Split('\n'), line => line.Contains(runId, StringComparison.Ordinal));
        Assert.Contains("tabled", row, StringComparison.Ordinal);
        Assert.Contains("FINISHED", row, StringComparison.Ordinal);
        Assert.Contains("0.125", row, StringComparison.Ordinal);
        Assert.Contains("0.875", row, StringComparison.Ordinal);
        Assert.Contains("1 run(s).", listed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoExperimentGiven_ListsRunsOfEveryActiveExperiment()
    {
        var (first, _) = await CreateExperimentAsync();
        var (second, _) = await CreateExperimentAsync();
        var (deleted, deletedId) = await CreateExperimentAsync();
        var inFirst = await CreateRunAsync(first, "a", "0.1", 0.5);
        var inSecond = await CreateRunAsync(second, "b", "0.2", 0.6);
        var inDeleted = await CreateRunAsync(deleted, "c", "0.3", 0.7);
        await _client.DeleteExperimentAsync(deletedId, TestContext.Current.CancellationToken);

        var listed = await KeelCommandLine.RunAsync("runs", "list", "--tracking-uri", Uri, "-o", "json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        var ids = listed.Json["runs"]!.AsArray().Select(r => r!["info"]!["run_id"]!.GetValue<string>()).ToList();
        Assert.Contains(inFirst, ids);
        Assert.Contains(inSecond, ids);
        Assert.DoesNotContain(inDeleted, ids);
    }

    [Fact]
    public async Task List_FilterAndOrderBy_PassThroughToTheServer()
    {
        var (name, _) = await CreateExperimentAsync();
        var low = await CreateRunAsync(name, "low", "0.1", 0.80);
        var mid = await CreateRunAsync(name, "mid", "0.2", 0.85);
        var high = await CreateRunAsync(name, "high", "0.3", 0.90);

        var listed = await KeelCommandLine.RunAsync(
            "runs", "list", "--experiment-name", name, "--filter", "metrics.auc > 0.82", "--order-by", "metrics.auc DESC",
            "--tracking-uri", Uri, "-o", "json");
        var limited = await KeelCommandLine.RunAsync(
            "runs", "list", "--experiment-name", name, "--order-by", "metrics.auc ASC", "--max-results", "1", "--tracking-uri", Uri, "-o", "json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal([high, mid], listed.Json["runs"]!.AsArray().Select(r => r!["info"]!["run_id"]!.GetValue<string>()));
        Assert.Equal([low], limited.Json["runs"]!.AsArray().Select(r => r!["info"]!["run_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_DeletedView_ShowsOnlyDeletedRuns()
    {
        var (name, _) = await CreateExperimentAsync();
        var kept = await CreateRunAsync(name, "kept", "0.1", 0.5);
        var removed = await CreateRunAsync(name, "removed", "0.2", 0.6);
        var deleted = await KeelCommandLine.RunAsync("runs", "delete", removed, "--tracking-uri", Uri, "-o", "json");

        var active = await RunIdsAsync(name, "active");
        var deletedView = await RunIdsAsync(name, "deleted");
        var restored = await KeelCommandLine.RunAsync("runs", "restore", removed, "--tracking-uri", Uri);

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("deleted", deleted.Json["run"]!["info"]!["lifecycle_stage"]!.GetValue<string>());
        Assert.Equal([kept], active);
        Assert.Equal([removed], deletedView);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"Restored run {removed}", restored.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await RunIdsAsync(name, "active")).Count);
    }

    [Fact]
    public async Task Show_Run_PrintsParamsMetricsTagsAndInputs()
    {
        var (name, _) = await CreateExperimentAsync();
        var runId = await CreateRunAsync(name, "shown", "0.05", 0.93);
        await _client.LogInputsAsync(runId, [new DatasetInputDto
        {
            Dataset = new DatasetDto { Name = "iris", Digest = "abc123", SourceType = "local", Source = "/data/iris.csv" },
            Tags = [new KeyValue("mlflow.data.context", "training")],
        }], TestContext.Current.CancellationToken);

        var table = await KeelCommandLine.RunAsync("runs", "show", runId, "--tracking-uri", Uri);
        var json = await KeelCommandLine.RunAsync("runs", "show", runId, "--tracking-uri", Uri, "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        foreach (var expected in new[] { runId, "shown", name, "FINISHED", "learning_rate", "0.05", "auc", "0.93", "team", "vision", "iris", "abc123", "/data/iris.csv", "training" })
        {
            Assert.Contains(expected, table.Stdout, StringComparison.Ordinal);
        }

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(runId, json.Json["run"]!["info"]!["run_id"]!.GetValue<string>());
        Assert.Equal("iris", json.Json["run"]!["inputs"]!["dataset_inputs"]![0]!["dataset"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Compare_TwoRuns_MarksExactlyTheRowsThatDiffer()
    {
        var (name, _) = await CreateExperimentAsync();
        var first = await CreateRunAsync(name, "first", "0.1", 0.9);
        var second = await CreateRunAsync(name, "second", "0.2", 0.9);

        var json = await KeelCommandLine.RunAsync("runs", "compare", first, second, "--tracking-uri", Uri, "-o", "json");
        var table = await KeelCommandLine.RunAsync("runs", "compare", first, second, "--tracking-uri", Uri);

        Assert.True(json.ExitCode == 0, json.ToString());
        var parameters = json.Json["params"]!.AsArray();
        var rate = parameters.Single(p => p!["key"]!.GetValue<string>() == "learning_rate")!;
        Assert.True(rate["differs"]!.GetValue<bool>());
        Assert.Equal(["0.1", "0.2"], rate["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        var trees = parameters.Single(p => p!["key"]!.GetValue<string>() == "trees")!;
        Assert.False(trees["differs"]!.GetValue<bool>());
        var auc = json.Json["metrics"]!.AsArray().Single(m => m!["key"]!.GetValue<string>() == "auc")!;
        Assert.False(auc["differs"]!.GetValue<bool>());
        Assert.Equal([first, second], json.Json["runs"]!.AsArray().Select(r => r!["run_id"]!.GetValue<string>()));

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n');
        Assert.Contains('*', Assert.Single(lines, l => l.Contains("learning_rate", StringComparison.Ordinal)));
        Assert.DoesNotContain('*', Assert.Single(lines, l => l.Contains("trees", StringComparison.Ordinal)));
        Assert.Contains("* marks the 1 row(s) whose values differ.", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_OneRunOnly_IsAUsageError()
    {
        var compared = await KeelCommandLine.RunAsync("runs", "compare", "only-one", "--tracking-uri", Uri);

        Assert.Equal(2, compared.ExitCode);
        Assert.Single(compared.StderrLines);
    }

    private async Task<(string Name, string Id)> CreateExperimentAsync()
    {
        var name = $"runs-{Guid.NewGuid():N}";
        return (name, await _client.CreateExperimentAsync(name, ct: TestContext.Current.CancellationToken));
    }

    /// <summary>A finished run with two params, a metric and a tag, in the experiment named (or numbered) <paramref name="experiment"/>.</summary>
    private async Task<string> CreateRunAsync(string experiment, string runName, string learningRate, double auc, bool byId = false)
    {
        var ct = TestContext.Current.CancellationToken;
        var experimentId = byId ? experiment : (await _client.GetExperimentByNameAsync(experiment, ct))!.ExperimentId;
        await using var run = await _client.StartRunAsync(experimentId, runName, new Dictionary<string, string> { ["team"] = "vision" }, ct);
        await run.LogParamsAsync(new Dictionary<string, string> { ["learning_rate"] = learningRate, ["trees"] = "100" }, ct);
        run.LogMetric("auc", auc - 0.1, step: 1);
        run.LogMetric("auc", auc, step: 2);
        await run.EndAsync(ct: ct);
        return run.RunId;
    }

    private async Task<List<string>> RunIdsAsync(string experimentName, string view)
    {
        var listed = await KeelCommandLine.RunAsync("runs", "list", "--experiment-name", experimentName, "--view", view, "--tracking-uri", Uri, "-o", "json");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. (listed.Json["runs"]?.AsArray() ?? []).Select(r => r!["info"]!["run_id"]!.GetValue<string>())];
    }
}
