using Keel.Cli;
using Keel.Contracts.Mlflow;
using Keel.Core.Pipelines;
using Keel.EndToEnd.Tests.Support;
using Keel.Testing;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary><c>keel run</c> in process, on real pipeline folders, untracked and tracked against a real server.</summary>
public sealed class RunCommandTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly TempDirectory _dir = new("keel-e2e-run");

    public void Dispose() => _dir.Dispose();

    private string Pipeline(string name, string yaml, string? paramsYaml = null)
    {
        var root = Path.Combine(_dir.Path, name);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "keel.yaml"), yaml);
        if (paramsYaml is not null)
        {
            File.WriteAllText(Path.Combine(root, "params.yaml"), paramsYaml);
        }
        return root;
    }

    private static async Task<CliResult> KeelIn(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var stdout = new SynchronizedWriter();
        var stderr = new SynchronizedWriter();
        var host = KeelCommandLine.Host(stdout, stderr, environment, workingDirectory);
        var exit = await KeelCli.RunAsync(args, host, TestContext.Current.CancellationToken);
        return new CliResult(exit, stdout.Text, stderr.Text);
    }

    private static string TwoStages(string name) => $$"""
        name: {{name}}
        stages:
          prepare:
            cmd: echo prepare >> ran.log && echo prepared > prepared.txt
            outs: [prepared.txt]
          train:
            cmd: >-
              echo train >> ran.log && echo "lr=${train.lr}" > model.txt && printf '{"eval": {"auc": 0.75}, "note": "x"}' > metrics.json
            deps: [prepared.txt]
            params: [train.lr]
            outs: [model.txt]
            metrics: [metrics.json]
        """;

    [Fact]
    public async Task Run_Untracked_PrintsStageLinesAndSummaryThenSkipsOnRerun()
    {
        var root = Pipeline("plain", TwoStages("plain"), "train:\n  lr: 0.1\n");

        var first = await KeelIn(root, null, "run");
        var second = await KeelIn(root, null, "run");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("[prepare] running: never run", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("[train] succeeded in", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("Pipeline plain: 2 ran, 0 restored, 0 up to date", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("[train] up to date", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 ran, 0 restored, 2 up to date", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(["prepare", "train"], File.ReadAllLines(Path.Combine(root, "ran.log")));
    }

    [Fact]
    public async Task Run_SetAndDryRun_PrintsWhyAndRunsNothing()
    {
        var root = Pipeline("dry", TwoStages("dry"), "train:\n  lr: 0.1\n");
        await KeelIn(root, null, "run");

        var dry = await KeelIn(root, null, "run", "--dry-run", "-S", "train.lr=0.5");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("[prepare] up to date", dry.Stdout, StringComparison.Ordinal);
        Assert.Contains("[train] would run: cmd changed; param 'train.lr' changed (0.1 → 0.5)", dry.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 2 stages would run", dry.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(root, "ran.log")).Length);
        Assert.Equal("lr=0.1\n", File.ReadAllText(Path.Combine(root, "model.txt")));
    }

    [Fact]
    public async Task Run_PipelineNameThenStage_RunsThatStageWithItsUpstream()
    {
        var root = Pipeline("named", TwoStages("named"), "train:\n  lr: 0.1\n");

        var result = await KeelIn(root, null, "run", "named", "prepare");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["prepare"], File.ReadAllLines(Path.Combine(root, "ran.log")));
    }

    [Fact]
    public async Task Run_FileOption_FindsThePipelineElsewhere()
    {
        var root = Pipeline("elsewhere", TwoStages("elsewhere"), "train:\n  lr: 0.1\n");

        var result = await KeelIn(_dir.Path, null, "run", "-f", Path.Combine("elsewhere", "keel.yaml"), "-j", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(root, "model.txt")));
    }

    [Fact]
    public async Task Run_FailingStage_ExitsNonZeroAndNamesIt()
    {
        var root = Pipeline("failing", """
            stages:
              broken:
                cmd: echo boom >&2; exit 4
                outs: [never.txt]
              fine:
                cmd: echo ok > fine.txt
                outs: [fine.txt]
            """);

        var result = await KeelIn(root, null, "run");

        Assert.Equal(ExitCodesFailure, result.ExitCode);
        Assert.Contains("[broken] boom", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("[broken] failed: exit code 4", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Pipeline FAILED: failing: 1 ran, 0 restored, 0 up to date, 1 failed", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "fine.txt")));
    }

    [Fact]
    public async Task Run_BadPipelineFile_FailsWithOneLineAndRunsNothing()
    {
        var root = Pipeline("cyclic", """
            stages:
              a:
                cmd: echo a >> ran.log && cp b.txt a.txt
                deps: [b.txt]
                outs: [a.txt]
              b:
                cmd: echo b >> ran.log && cp a.txt b.txt
                deps: [a.txt]
                outs: [b.txt]
            """);

        var result = await KeelIn(root, null, "run");

        Assert.Equal(ExitCodesFailure, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("→", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "ran.log")));
    }

    [Fact]
    public async Task Run_NoPipelineFile_FailsNamingIt()
    {
        var result = await KeelIn(_dir.Path, null, "run");

        Assert.Equal(ExitCodesFailure, result.ExitCode);
        Assert.Contains("no pipeline file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadSet_FailsAndRunsNothing()
    {
        var root = Pipeline("badset", TwoStages("badset"), "train:\n  lr: 0.1\n");

        var result = await KeelIn(root, null, "run", "-S", "no-equals-sign");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-equals-sign", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "ran.log")));
    }

    [Fact]
    public async Task Run_ZeroJobs_IsAUsageError()
    {
        var result = await KeelIn(_dir.Path, null, "run", "-j", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--jobs must be at least 1", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Tracked_RecordsParentAndChildRunsWithParamsMetricsLogsAndLockTags()
    {
        var name = "tracked-" + Guid.NewGuid().ToString("N")[..8];
        var root = Pipeline(name, TwoStages(name), "train:\n  lr: 0.1\n");
        var environment = new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = fixture.Server.BaseAddress.ToString() };

        var result = await KeelIn(root, environment, "run");

        Assert.True(result.ExitCode == 0, result.ToString());
        var client = fixture.Client;
        var experiment = await client.GetExperimentByNameAsync(name, TestContext.Current.CancellationToken);
        Assert.NotNull(experiment);
        var runs = (await client.SearchRunsAsync(new SearchRunsRequest { ExperimentIds = [experiment.ExperimentId], MaxResults = 100 }, TestContext.Current.CancellationToken)).Runs;
        var parent = Assert.Single(runs, r => !Tags(r).ContainsKey("mlflow.parentRunId"));
        Assert.Equal(name, Tags(parent)["keel.pipeline"]);
        Assert.Equal("FINISHED", parent.Info.Status);
        Assert.Contains($"tracking run {parent.Info.RunId}", result.Stdout, StringComparison.Ordinal);
        var children = runs.Where(r => Tags(r).GetValueOrDefault("mlflow.parentRunId") == parent.Info.RunId).ToDictionary(r => r.Info.RunName!);
        Assert.Equal(["prepare", "train"], children.Keys.Order(StringComparer.Ordinal));
        var train = children["train"];
        var tags = Tags(train);
        Assert.Equal("0.1", train.Data!.Params!.Single(p => p.Key == "train.lr").Value);
        Assert.Equal(0.75, train.Data.Metrics!.Single(m => m.Key == "eval.auc").Value);
        Assert.Equal("Run", tags["keel.stage.decision"]);
        Assert.True(long.TryParse(tags["keel.stage.duration_ms"], System.Globalization.CultureInfo.InvariantCulture, out _));
        var locked = LockFile.Parse(File.ReadAllText(Path.Combine(root, "keel.lock")), "keel.lock").Single(e => e.Stage == "train");
        Assert.Equal(locked.Cmd, tags["keel.lock.cmd"]);
        Assert.Equal(locked.Deps["prepared.txt"], tags["keel.lock.dep.prepared.txt"]);
        Assert.Equal(locked.Outs["model.txt"], tags["keel.lock.out.model.txt"]);
        var logs = await client.ListArtifactsAsync(train.Info.RunId, "logs", TestContext.Current.CancellationToken);
        Assert.Contains(logs.Files, f => f.Path == "logs/train.log");
    }

    [Fact]
    public async Task Run_DatasetDep_FetchesTheNewestVersionAndRerunsOnlyWhenANewVersionArrives()
    {
        var dataset = "rows-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = fixture.Server.BaseAddress.ToString() };
        var data = Path.Combine(_dir.Path, "data-" + dataset);
        Directory.CreateDirectory(data);
        async Task PushVersionAsync(int rows)
        {
            await File.WriteAllLinesAsync(Path.Combine(data, "table.csv"), ["x", .. Enumerable.Range(0, rows).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            var added = await KeelIn(data, environment, "data", "add", "table.csv", "--dataset", dataset);
            var pushed = await KeelIn(data, environment, "data", "push");
            Assert.True(added.ExitCode == 0 && pushed.ExitCode == 0, added + "\n" + pushed);
        }
        var root = Pipeline(dataset, $$"""
            stages:
              count:
                cmd: echo count >> ran.log && wc -l < raw/table.csv > count.txt && echo "$KEEL_TRACKING_URI $KEEL_STAGE" > env.txt
                deps: [{dataset: {{dataset}}, path: raw/table.csv}]
                outs: [count.txt, env.txt]
            """);

        await PushVersionAsync(3);
        var first = await KeelIn(root, environment, "run", "--no-track");
        var unchanged = await KeelIn(root, environment, "run", "--no-track");
        await PushVersionAsync(5);
        var second = await KeelIn(root, environment, "run", "--no-track");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(["count", "count"], File.ReadAllLines(Path.Combine(root, "ran.log")));
        Assert.Equal("6", File.ReadAllText(Path.Combine(root, "count.txt")).Trim());
        Assert.Equal($"{fixture.Server.BaseAddress} count", File.ReadAllText(Path.Combine(root, "env.txt")).Trim());
    }

    [Fact]
    public async Task Run_TrackedWithNoTrack_RecordsNothing()
    {
        var name = "untracked-" + Guid.NewGuid().ToString("N")[..8];
        var root = Pipeline(name, TwoStages(name), "train:\n  lr: 0.1\n");

        var result = await KeelIn(root, null, "run", "--tracking-uri", fixture.Server.BaseAddress.ToString(), "--no-track");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null(await fixture.Client.GetExperimentByNameAsync(name, TestContext.Current.CancellationToken));
    }

    private const int ExitCodesFailure = 1;

    private static Dictionary<string, string> Tags(RunDto run) => (run.Data?.Tags ?? []).ToDictionary(t => t.Key, t => t.Value);
}
