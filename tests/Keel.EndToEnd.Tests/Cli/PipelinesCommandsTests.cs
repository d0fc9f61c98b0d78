using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.EndToEnd.Tests.Support;
using Keel.Server;
using Keel.Storage;
using Keel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.EndToEnd.Tests.Cli;

/// <summary>
/// <c>keel pipelines …</c> against a real server whose dispatcher plays a worker in-process: it starts an attempt, stores a
/// log, finishes the stage (failing the stages named in <see cref="SimulatedWorker.Failing"/>) and advances the run.
/// </summary>
public sealed class PipelinesCommandsTests : IAsyncLifetime
{
    private const string Pipeline = """
        name: NAME
        stages:
          prepare:
            cmd: python prepare.py --split ${prepare.split}
            deps: [prepare.py]
            outs: [data/prepared]
          train:
            cmd: python train.py
            deps: [data/prepared]
            outs: [model.onnx]
        """;

    private readonly TempDirectory _data = new("keel-cli-pipelines");
    private readonly TempDirectory _folder = new("keel-cli-pipeline-folder");
    private readonly SimulatedWorker _worker = new();
    private WebApplication _app = null!;
    private KeelStores _stores = null!;
    private string _uri = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stores = await KeelStorage.OpenAsync(new StorageOptions(_data.Path), TimeProvider.System, Ct);
        _app = KeelServerHost.Create(new KeelServerOptions { Host = "127.0.0.1", Port = 0, RunMonitorScheduler = false }, services =>
        {
            _stores.Register(services);
            services.AddSingleton<IPipelineDispatcher>(_worker);
        });
        _worker.Attach(_stores, _app.Services);
        await _app.StartAsync(Ct);
        _uri = _app.BoundAddress().ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.WhenIdleAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _stores.DisposeAsync();
        _data.Dispose();
        _folder.Dispose();
    }

    private Task<CliResult> Keel(params string[] args) => KeelCommandLine.RunAsync([.. args, "--tracking-uri", _uri]);

    private string WriteFolder(string name)
    {
        File.WriteAllText(Path.Combine(_folder.Path, "keel.yaml"), Pipeline.Replace("NAME", name, StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_folder.Path, "params.yaml"), "prepare:\n  split: 0.2\n");
        File.WriteAllText(Path.Combine(_folder.Path, "prepare.py"), "print('prepare')\n");
        Directory.CreateDirectory(Path.Combine(_folder.Path, ".git"));
        File.WriteAllText(Path.Combine(_folder.Path, ".git", "HEAD"), "ref: refs/heads/main\n");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "data", "prepared"));
        File.WriteAllText(Path.Combine(_folder.Path, "data", "prepared", "rows.csv"), "a\n1\n");
        File.WriteAllText(Path.Combine(_folder.Path, "model.onnx"), "old model");
        return Path.Combine(_folder.Path, "keel.yaml");
    }

    private async Task<List<string>> WorkspaceEntriesAsync(string workspace)
    {
        await using var stored = await _stores.Artifacts.OpenReadAsync(ArtifactPath.Parse(workspace, "workspace"), Ct);
        await using var gzip = new GZipStream(stored, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (await tar.GetNextEntryAsync(cancellationToken: Ct) is { } entry)
        {
            names.Add(entry.Name);
        }
        return names;
    }

    [Fact]
    public async Task Register_UploadsTheFolderWithoutGitKeelAndOuts_ThenListAndShowIt()
    {
        var file = WriteFolder("churn");

        var register = await Keel("pipelines", "register", "-f", file);
        var list = await Keel("pipelines", "list");
        var json = await Keel("pipelines", "list", "--output", "json");
        var show = await Keel("pipelines", "show", "churn");

        Assert.True(register.ExitCode == 0, register.ToString());
        Assert.Contains("Registered pipeline 'churn' (2 stages", register.Stdout, StringComparison.Ordinal);
        Assert.Contains("churn", list.Stdout, StringComparison.Ordinal);
        Assert.Equal("churn", json.Json["pipelines"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("prepare → train", show.Stdout, StringComparison.Ordinal);
        var workspace = (await _stores.Pipelines.GetPipelineAsync("churn", Ct))!.WorkspaceManifest!;
        Assert.Equal(["keel.yaml", "params.yaml", "prepare.py"], await WorkspaceEntriesAsync(workspace));
    }

    [Fact]
    public async Task Register_ABadFile_FailsLocallyNamingTheLine_AndRegistersNothing()
    {
        var file = WriteFolder("churn");
        File.WriteAllText(file, "stages:\n  prepare:\n    cmd: true\n    retries: lots\n");

        var result = await Keel("pipelines", "register", "-f", file);
        var missing = await Keel("pipelines", "register", "-f", Path.Combine(_folder.Path, "nope.yaml"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("keel.yaml:4", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _stores.Pipelines.ListPipelinesAsync(Ct));
    }

    [Fact]
    public async Task TriggerWait_FollowsTheRunToSuccess_AndRunsListsIt()
    {
        await Keel("pipelines", "register", "-f", WriteFolder("churn"));

        var trigger = await Keel("pipelines", "trigger", "churn", "--wait", "-S", "prepare.split=0.3", "--user", "ana");
        var runs = await Keel("pipelines", "runs", "churn");
        var json = await Keel("pipelines", "runs", "churn", "--output", "json");

        Assert.True(trigger.ExitCode == 0, trigger.ToString());
        Assert.Contains("prepare: Succeeded", trigger.Stdout, StringComparison.Ordinal);
        Assert.Contains("train: Succeeded", trigger.Stdout, StringComparison.Ordinal);
        Assert.Contains("succeeded", trigger.Stdout, StringComparison.Ordinal);
        Assert.Contains("Succeeded", runs.Stdout, StringComparison.Ordinal);
        var run = json.Json["runs"]![0]!;
        Assert.Equal("0.3", run["params"]!["prepare.split"]!.GetValue<string>());
        Assert.Equal("Manual", run["trigger"]!.GetValue<string>());
    }

    [Fact]
    public async Task TriggerWait_WhenAStageFails_ExitsNonZero_AndLogsShowsItsLog()
    {
        await Keel("pipelines", "register", "-f", WriteFolder("churn"));
        _worker.Failing.Add("prepare");

        var trigger = await Keel("pipelines", "trigger", "churn", "--wait");
        var runId = (await _stores.Pipelines.ListRunsAsync("churn", 1, Ct))[0].Id;
        var logs = await Keel("pipelines", "logs", runId, "prepare");
        var badAttempt = await Keel("pipelines", "logs", runId, "prepare", "--attempt", "9");
        var badStage = await Keel("pipelines", "logs", runId, "nope");

        Assert.Equal(1, trigger.ExitCode);
        Assert.Contains("train: Cancelled", trigger.Stdout, StringComparison.Ordinal);
        Assert.Contains($"pipeline run {runId} failed: stage 'prepare' failed", trigger.Stderr, StringComparison.Ordinal);
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Equal("prepare attempt 1 exited 1\n", logs.Stdout);
        Assert.Equal(1, badAttempt.ExitCode);
        Assert.Contains("no attempt 9", badAttempt.Stderr, StringComparison.Ordinal);
        Assert.Contains("Stage 'nope'", badStage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_BadInput_IsRefusedWithOneLine()
    {
        await Keel("pipelines", "register", "-f", WriteFolder("churn"));

        var badSet = await Keel("pipelines", "trigger", "churn", "-S", "novalue");
        var unknown = await Keel("pipelines", "trigger", "nope");
        var badKey = await Keel("pipelines", "trigger", "churn", "-S", "bad key=1");

        Assert.Equal(2, badSet.ExitCode);
        Assert.Contains("expected key=value", badSet.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("bad key", badKey.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _stores.Pipelines.ListRunsAsync(null, 10, Ct));
    }

    [Fact]
    public async Task Delete_RemovesThePipeline_AndAgainIsAnError()
    {
        await Keel("pipelines", "register", "-f", WriteFolder("churn"));

        var deleted = await Keel("pipelines", "delete", "churn");
        var again = await Keel("pipelines", "delete", "churn");
        var empty = await Keel("pipelines", "list");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("'churn' not found", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("No pipelines", empty.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Plays the worker for dispatched stages, in the background as a real executor would.</summary>
    private sealed class SimulatedWorker : IPipelineDispatcher
    {
        private readonly Lock _gate = new();
        private readonly List<Task> _running = [];
        private KeelStores _stores = null!;
        private IServiceProvider _services = null!;

        public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

        public void Attach(KeelStores stores, IServiceProvider services)
        {
            _stores = stores;
            _services = services;
        }

        public Task DispatchAsync(string runId, IReadOnlyList<string> stages, CancellationToken ct = default)
        {
            lock (_gate)
            {
                _running.AddRange(stages.Select(stage => Task.Run(() => RunAsync(runId, stage), CancellationToken.None)));
            }
            return Task.CompletedTask;
        }

        public Task WhenIdleAsync()
        {
            lock (_gate)
            {
                return Task.WhenAll(_running);
            }
        }

        private async Task RunAsync(string runId, string stage)
        {
            var pipelines = _stores.Pipelines;
            var attempt = await pipelines.StartAttemptAsync(runId, stage, "simulated", 1);
            var exitCode = Failing.Contains(stage) ? 1 : 0;
            var log = PipelineRules.LogPath(runId, stage, attempt);
            await _stores.Artifacts.PutAsync(ArtifactPath.Parse(log, "log"), new MemoryStream(Encoding.UTF8.GetBytes($"{stage} attempt {attempt} exited {exitCode}\n")));
            await pipelines.EndAttemptAsync(runId, stage, attempt, 2, exitCode, log);
            await pipelines.TryFinishStageAsync(runId, stage, attempt, exitCode == 0 ? StageRunStatus.Succeeded : StageRunStatus.Failed,
                new Dictionary<string, string>(), exitCode == 0 ? "" : "exit code 1", null);
            await _services.GetRequiredService<PipelineRunCoordinator>().AdvanceAsync(runId);
        }
    }
}
