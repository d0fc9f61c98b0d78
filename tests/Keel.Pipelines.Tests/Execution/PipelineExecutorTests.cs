using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;

namespace Keel.Pipelines.Tests.Execution;

/// <summary>Planning and caching of local runs: which stages run, skip or restore, with real processes and files.</summary>
public sealed class PipelineExecutorTests : IDisposable
{
    // prepare → train → evaluate, plus report, which reads only raw.csv. Each command appends its stage to ran.log.
    private const string ThreeStages = """
        stages:
          prepare:
            cmd: echo prepare >> ran.log && tr a-z A-Z < raw.csv > prepared.csv
            deps: [raw.csv]
            outs: [prepared.csv]
          train:
            cmd: echo train >> ran.log && (cat prepared.csv; echo "lr=${train.lr}") > model.txt
            deps: [prepared.csv]
            params: [train.lr]
            outs: [model.txt]
          evaluate:
            cmd: echo evaluate >> ran.log && wc -c < model.txt > score.txt
            deps: [model.txt]
            outs: [score.txt]
          report:
            cmd: echo report >> ran.log && wc -l < raw.csv > lines.txt
            deps: [raw.csv]
            outs: [lines.txt]
        """;

    private static readonly PipelineRunOptions NoRunCache = new() { UseRunCache = false };

    private readonly PipelineFolder _folder = new();

    public PipelineExecutorTests() =>
        _folder.Write("keel.yaml", ThreeStages).Write("params.yaml", "train:\n  lr: 0.1\n").Write("raw.csv", "a,b\n1,2\n");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task RunAsync_FirstRun_RunsEveryStageInOrderAndWritesOuts()
    {
        var report = await _folder.RunAsync();

        Assert.True(report.Succeeded);
        Assert.Equal(["prepare", "train", "evaluate", "report"], report.Stages.Select(s => s.Stage));
        Assert.All(report.Stages, s => Assert.Equal(StageState.Succeeded, s.State));
        Assert.Equal(["prepare", "train", "evaluate", "report"], _folder.Ran);
        Assert.Equal("A,B\n1,2\nlr=0.1\n", _folder.Read("model.txt"));
    }

    [Fact]
    public async Task RunAsync_NothingChanged_SkipsEveryStage()
    {
        await _folder.RunAsync();

        var again = await _folder.RunAsync();

        Assert.All(again.Stages, s => Assert.Equal(StageState.Skipped, s.State));
        Assert.Equal(4, _folder.Ran.Count);
    }

    [Fact]
    public async Task RunAsync_DepBytesChanged_RerunsExactlyTheStagesDownstream()
    {
        await _folder.RunAsync(NoRunCache);
        _folder.Write("raw.csv", "a,b\n1,3\n");

        var report = await _folder.RunAsync(NoRunCache);

        Assert.Equal(["prepare", "train", "evaluate", "report"], _folder.Ran.Skip(4));
        var prepare = report.Stages[0];
        Assert.Contains("dep 'raw.csv' changed", prepare.Reasons);
    }

    [Fact]
    public async Task RunAsync_UpstreamRerunWithSameOutput_LeavesDownstreamSkipped()
    {
        await _folder.RunAsync(NoRunCache);
        // Same upper-cased output: prepare reruns, but train's dep hash is unchanged.
        _folder.Write("raw.csv", "A,B\n1,2\n");

        await _folder.RunAsync(NoRunCache);

        Assert.Equal(["prepare", "report"], _folder.Ran.Skip(4));
    }

    [Fact]
    public async Task RunAsync_ParamChanged_RerunsTheStageReadingItAndDownstream()
    {
        await _folder.RunAsync(NoRunCache);

        var report = await _folder.RunAsync(NoRunCache, null, "train.lr=0.2");

        Assert.Equal(["train", "evaluate"], _folder.Ran.Skip(4));
        Assert.Contains("param 'train.lr' changed (0.1 → 0.2)", report.Stages.Single(s => s.Stage == "train").Reasons);
        Assert.EndsWith("lr=0.2\n", _folder.Read("model.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CmdChanged_RerunsThatStage()
    {
        await _folder.RunAsync(NoRunCache);
        _folder.Write("keel.yaml", ThreeStages.Replace("wc -l < raw.csv", "wc -c < raw.csv", StringComparison.Ordinal));

        var report = await _folder.RunAsync(NoRunCache);

        Assert.Equal(["report"], _folder.Ran.Skip(4));
        Assert.Contains("cmd changed", report.Stages.Single(s => s.Stage == "report").Reasons);
    }

    [Fact]
    public async Task RunAsync_OutDeleted_RerunsThatStage()
    {
        await _folder.RunAsync(NoRunCache);
        File.Delete(Path.Combine(_folder.Root, "lines.txt"));

        var report = await _folder.RunAsync(NoRunCache);

        Assert.Equal(["report"], _folder.Ran.Skip(4));
        Assert.Contains("out 'lines.txt' deleted", report.Stages.Single(s => s.Stage == "report").Reasons);
        Assert.True(_folder.Exists("lines.txt"));
    }

    [Fact]
    public async Task RunAsync_OutEdited_RerunsThatStageAndRestoresItsContent()
    {
        await _folder.RunAsync(NoRunCache);
        var original = _folder.Read("score.txt");
        _folder.Write("score.txt", "tampered\n");

        var report = await _folder.RunAsync(NoRunCache);

        Assert.Equal(["evaluate"], _folder.Ran.Skip(4));
        Assert.Contains("out 'score.txt' modified", report.Stages.Single(s => s.Stage == "evaluate").Reasons);
        Assert.Equal(original, _folder.Read("score.txt"));
    }

    [Fact]
    public async Task RunAsync_KnownInputs_RestoresOutsFromTheRunCacheWithoutRunning()
    {
        await _folder.RunAsync();
        var model = _folder.Read("model.txt");
        await _folder.RunAsync(null, null, "train.lr=0.2");
        Assert.Equal(["train", "evaluate"], _folder.Ran.Skip(4));

        // Back to 0.1: train and evaluate saw these inputs before.
        var report = await _folder.RunAsync();

        Assert.Equal(6, _folder.Ran.Count);
        Assert.Equal(StageState.Restored, report.Stages.Single(s => s.Stage == "train").State);
        Assert.Equal(StageState.Restored, report.Stages.Single(s => s.Stage == "evaluate").State);
        Assert.Equal(model, _folder.Read("model.txt"));
        var third = await _folder.RunAsync();
        Assert.All(third.Stages, s => Assert.Equal(StageState.Skipped, s.State));
    }

    [Fact]
    public async Task RunAsync_OutDeletedWithRunCache_RestoresItWithoutRunning()
    {
        await _folder.RunAsync();
        var lines = _folder.Read("lines.txt");
        File.Delete(Path.Combine(_folder.Root, "lines.txt"));

        var report = await _folder.RunAsync();

        Assert.Equal(4, _folder.Ran.Count);
        Assert.Equal(StageState.Restored, report.Stages.Single(s => s.Stage == "report").State);
        Assert.Equal(lines, _folder.Read("lines.txt"));
    }

    [Fact]
    public async Task RunAsync_Force_RerunsSelectedStagesOnly()
    {
        await _folder.RunAsync();

        var report = await _folder.RunAsync(new PipelineRunOptions { Force = true, Targets = ["report"] });

        Assert.Equal(["report"], _folder.Ran.Skip(4));
        Assert.Equal(["report"], report.Stages.Select(s => s.Stage));
        Assert.Contains("forced", report.Stages[0].Reasons);
    }

    [Fact]
    public async Task RunAsync_Target_RunsItAndItsUpstreamOnly()
    {
        var report = await _folder.RunAsync(new PipelineRunOptions { Targets = ["train"] });

        Assert.Equal(["prepare", "train"], _folder.Ran);
        Assert.Equal(["prepare", "train"], report.Stages.Select(s => s.Stage));
    }

    [Fact]
    public async Task RunAsync_DryRun_ReportsDecisionsWithUpstreamPropagationAndRunsNothing()
    {
        await _folder.RunAsync();
        _folder.Write("raw.csv", "x,y\n");
        var observer = new RecordingObserver();

        var report = await _folder.RunAsync(new PipelineRunOptions { DryRun = true }, observer);

        Assert.Equal(4, _folder.Ran.Count);
        Assert.Equal("x,y\n", _folder.Read("raw.csv"));
        Assert.Equal("A,B\n1,2\n", _folder.Read("prepared.csv"));
        Assert.All(report.Stages, s => Assert.Equal(StageState.Planned, s.State));
        Assert.Contains("upstream 'prepare' will run", report.Stages.Single(s => s.Stage == "train").Reasons);
        Assert.Contains("upstream 'train' will run", report.Stages.Single(s => s.Stage == "evaluate").Reasons);
        Assert.Equal(4, observer.Decisions.Count);
    }

    [Fact]
    public async Task RunAsync_WritesKeelLockWithHashesParamsAndCommands()
    {
        await _folder.RunAsync();

        var entries = LockFile.Parse(_folder.Read("keel.lock"), "keel.lock").ToDictionary(e => e.Stage);

        Assert.Equal(["evaluate", "prepare", "report", "train"], entries.Keys.Order(StringComparer.Ordinal));
        var train = entries["train"];
        Assert.Equal("echo train >> ran.log && (cat prepared.csv; echo \"lr=0.1\") > model.txt", train.Cmd);
        Assert.Equal("0.1", train.Params["train.lr"]);
        Assert.Equal(Sha256("A,B\n1,2\n"), train.Deps["prepared.csv"]);
        Assert.Equal(Sha256("A,B\n1,2\nlr=0.1\n"), train.Outs["model.txt"]);
        Assert.Equal(Sha256("a,b\n1,2\n"), entries["prepare"].Deps["raw.csv"]);
    }

    [Fact]
    public async Task RunAsync_FailedStage_CancelsItsDependentsWhileUnrelatedBranchesFinish()
    {
        _folder.Write("keel.yaml", ThreeStages.Replace("echo train >> ran.log &&", "echo train >> ran.log && exit 7 &&", StringComparison.Ordinal));

        var report = await _folder.RunAsync(new PipelineRunOptions { Jobs = 2 });

        Assert.False(report.Succeeded);
        var states = report.Stages.ToDictionary(s => s.Stage, s => s.State);
        Assert.Equal(StageState.Succeeded, states["prepare"]);
        Assert.Equal(StageState.Failed, states["train"]);
        Assert.Equal(StageState.Cancelled, states["evaluate"]);
        Assert.Equal(StageState.Succeeded, states["report"]);
        Assert.Equal("exit code 7", report.Stages.Single(s => s.Stage == "train").Reason);
        Assert.Equal("upstream 'train' failed", report.Stages.Single(s => s.Stage == "evaluate").Reason);
        Assert.DoesNotContain("evaluate", _folder.Ran);
        // Progress is kept: the stages that succeeded are locked, the failed one is not.
        var locked = LockFile.Parse(_folder.Read("keel.lock"), "keel.lock").Select(e => e.Stage).Order(StringComparer.Ordinal);
        Assert.Equal(["prepare", "report"], locked);
    }

    [Fact]
    public async Task RunAsync_ParallelBranches_OverlapInTime()
    {
        _folder.Write("keel.yaml", """
            stages:
              left:
                cmd: date +%s%N > left.start && sleep 1 && date +%s%N > left.end
                outs: [left.start, left.end]
              right:
                cmd: date +%s%N > right.start && sleep 1 && date +%s%N > right.end
                outs: [right.start, right.end]
            """);

        var report = await _folder.RunAsync(new PipelineRunOptions { Jobs = 2 });

        Assert.True(report.Succeeded);
        long Read(string file) => long.Parse(_folder.Read(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Read("left.start") < Read("right.end") && Read("right.start") < Read("left.end"), "the two stages did not overlap");
    }

    [Fact]
    public async Task RunAsync_OneJob_RunsStagesOneAtATime()
    {
        _folder.Write("keel.yaml", """
            stages:
              left:
                cmd: date +%s%N > left.start && sleep 0.3 && date +%s%N > left.end
                outs: [left.start, left.end]
              right:
                cmd: date +%s%N > right.start && sleep 0.3 && date +%s%N > right.end
                outs: [right.start, right.end]
            """);

        await _folder.RunAsync();

        long Read(string file) => long.Parse(_folder.Read(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Read("left.end") <= Read("right.start"), "the stages overlapped with -j 1");
    }

    [Fact]
    public async Task RunAsync_RetriesThenSucceeds()
    {
        _folder.Write("keel.yaml", """
            stages:
              flaky:
                cmd: echo flaky >> ran.log && test $(wc -l < ran.log) -ge 2 && echo ok > out.txt
                outs: [out.txt]
                retries: 2
                retry_backoff: 50ms
            """);

        var report = await _folder.RunAsync();

        Assert.True(report.Succeeded);
        Assert.Equal(2, report.Stages[0].Attempts);
        Assert.Equal(["flaky", "flaky"], _folder.Ran);
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTheStageAndFails()
    {
        _folder.Write("keel.yaml", """
            stages:
              slow:
                cmd: sleep 30 && echo late > out.txt
                outs: [out.txt]
                timeout: 500ms
            """);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var report = await _folder.RunAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.False(report.Succeeded);
        Assert.Equal("timed out after 500ms", report.Stages[0].Reason);
        Assert.False(_folder.Exists("out.txt"));
    }

    [Fact]
    public async Task RunAsync_CommandSucceedsWithoutWritingAnOut_Fails()
    {
        _folder.Write("keel.yaml", """
            stages:
              lazy:
                cmd: "true"
                outs: [out.txt]
            """);

        var report = await _folder.RunAsync();

        Assert.Equal(StageState.Failed, report.Stages[0].State);
        Assert.Equal("the command succeeded but did not write out 'out.txt'", report.Stages[0].Reason);
    }

    [Fact]
    public async Task RunAsync_StageOutput_ReachesObserverAndLogFile()
    {
        _folder.Write("keel.yaml", """
            stages:
              talk:
                cmd: echo to-stdout && echo to-stderr >&2 && touch out.txt
                outs: [out.txt]
            """);
        var observer = new RecordingObserver();

        var report = await _folder.RunAsync(null, observer);

        Assert.Contains(("talk", "to-stdout"), observer.Output);
        Assert.Contains(("talk", "to-stderr"), observer.Output);
        Assert.Equal(["talk"], observer.Started);
        var log = report.Stages[0].LogPath!;
        Assert.StartsWith(Path.Combine(_folder.Root, ".keel", "logs"), log, StringComparison.Ordinal);
        Assert.Contains("to-stderr", File.ReadAllLines(log));
    }

    [Fact]
    public async Task RunAsync_MissingDep_ThrowsAndRunsNothing()
    {
        File.Delete(Path.Combine(_folder.Root, "raw.csv"));

        var error = await Assert.ThrowsAsync<KeelException>(() => _folder.RunAsync());

        Assert.Contains("'raw.csv' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Ran);
    }

    [Fact]
    public async Task RunAsync_MissingParam_ThrowsAndRunsNothing()
    {
        _folder.Write("params.yaml", "other: 1\n");

        var error = await Assert.ThrowsAsync<KeelException>(() => _folder.RunAsync());

        Assert.Contains("train.lr", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Ran);
    }

    [Fact]
    public async Task RunAsync_UnknownTarget_ThrowsAndRunsNothing()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => _folder.RunAsync(new PipelineRunOptions { Targets = ["nope"] }));

        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Ran);
    }

    [Fact]
    public async Task RunAsync_DatasetDepWithoutServer_ThrowsNamingTheFixAndRunsNothing()
    {
        _folder.Write("keel.yaml", """
            stages:
              train:
                cmd: echo train >> ran.log && cat data.csv > out.txt
                deps: [{dataset: churn-train, version: 3, path: data.csv}]
                outs: [out.txt]
            """);

        var report = await _folder.RunAsync();

        Assert.Equal(StageState.Failed, report.Stages[0].State);
        Assert.Contains("KEEL_TRACKING_URI", report.Stages[0].Reason, StringComparison.Ordinal);
        Assert.Empty(_folder.Ran);
    }

    [Fact]
    public async Task RunAsync_DamagedLockFile_Throws()
    {
        await _folder.RunAsync();
        _folder.Write("keel.lock", "schema: 1\nstages: [oops\n");

        await Assert.ThrowsAsync<KeelException>(() => _folder.RunAsync());

        Assert.Equal(4, _folder.Ran.Count);
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
