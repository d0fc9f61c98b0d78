using Keel.Core.Artifacts;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Keel.Core.Tracking;

namespace Keel.Workers.Stages;

/// <summary>
/// Runs one queued stage of a pipeline run on this machine, whoever handed it over (a Quartz trigger claimed by
/// <c>keel worker</c>, or the in-process dispatcher of <c>keel server</c>): starts an attempt, builds a fresh workspace
/// from the artifact store (the registered folder, then every upstream stage's outs), restores the outs from the run
/// cache when the inputs match, else runs the command (retries each a new attempt with its own log), uploads log and
/// outs, finishes the stage with compare-and-set, and asks the coordinator to queue what became ready. A database
/// outage while a stage ends is waited out: the result is recorded once the database returns.
/// </summary>
public sealed class StageJob
{
    private const int AdvanceAttempts = 4;

    /// <summary>The longest pause between tries while the database is unreachable.</summary>
    private static readonly TimeSpan MaxOutageBackoff = TimeSpan.FromSeconds(5);

    private readonly IPipelineStore _store;
    private readonly IArtifactStore _artifacts;
    private readonly StageTracking? _tracking;
    private readonly StageCommandLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly StageJobOptions _options;

    /// <param name="store">Pipeline runs and the run cache.</param>
    /// <param name="artifacts">Workspaces, outs, logs and cached outs (see <see cref="PipelineArtifactPaths"/>).</param>
    /// <param name="tracking">Where each stage's child run is recorded; null records none.</param>
    /// <param name="launcher">Runs the commands.</param>
    /// <param name="time">Clock for attempt times and backoff.</param>
    /// <param name="options">Worker identity, the coordinator callback and where to log.</param>
    public StageJob(IPipelineStore store, IArtifactStore artifacts, ITrackingStore? tracking, StageCommandLauncher launcher, TimeProvider time, StageJobOptions options)
    {
        _store = store;
        _artifacts = artifacts;
        _tracking = tracking is null ? null : new StageTracking(tracking, time);
        _launcher = launcher;
        _time = time;
        _options = options;
    }

    /// <summary>
    /// Runs <paramref name="stage"/> of run <paramref name="runId"/> unless it is no longer Queued or Running (a second
    /// delivery of a finished stage does nothing). Failures of the stage are recorded, not thrown; cancellation (the worker
    /// stopping) kills the command, ends the attempt and throws, leaving the stage Running for recovery elsewhere.
    /// </summary>
    public async Task RunAsync(string runId, string stage, CancellationToken ct)
    {
        var run = await _store.GetRunAsync(runId, ct);
        var stageRun = run?.Stages.FirstOrDefault(s => s.Stage == stage);
        if (run is null || stageRun is null || stageRun.Status is not (StageRunStatus.Queued or StageRunStatus.Running))
        {
            Log($"{Describe(runId, stage)}: nothing to do ({(stageRun is null ? "no such run or stage" : stageRun.Status.ToString())})");
            return;
        }
        AttemptCursor cursor;
        try
        {
            cursor = new AttemptCursor(await _store.StartAttemptAsync(runId, stage, _options.WorkerId, Now, ct));
        }
        catch (KeelException e) when (e.Code == ErrorCode.InvalidState)
        {
            // Finished by another delivery between the read above and now.
            Log($"{Describe(runId, stage)}: nothing to do ({e.Message})");
            return;
        }
        Log($"{Describe(runId, stage)}: started attempt {cursor.Number}{(stageRun.Status == StageRunStatus.Running ? " (recovered: its previous worker stopped)" : "")}");
        var started = _time.GetTimestamp();
        var childRun = await StartTrackingAsync(run, stage, ct);
        var scratch = Directory.CreateTempSubdirectory("keel-stage-");
        StageOutcome outcome;
        try
        {
            outcome = await new StageAttempts(this, run, stage, cursor, childRun, scratch.FullName).ExecuteAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await _store.EndAttemptAsync(runId, stage, cursor.Number, Now, null, null, CancellationToken.None);
            Log($"{Describe(runId, stage)}: attempt {cursor.Number} interrupted; the stage is left for another worker");
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The stage could not be set up or its results not stored (pipeline gone, bad file, missing archive, object
            // store down): it fails with the reason, and the run goes on without it. Its result waits for the database
            // if that is down too (see DurablyAsync).
            var message = e is KeelException or IOException or InvalidDataException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await FinishAsync(runId, stage, cursor, StageRunStatus.Failed, new Dictionary<string, string>(), message, childRun, null, null, ct);
            outcome = new StageOutcome(StageRunStatus.Failed, 0, null, new Dictionary<string, double>(), message);
        }
        finally
        {
            TryDelete(scratch);
        }
        outcome = outcome with { DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds };
        if (childRun is not null)
        {
            await DurablyAsync(token => _tracking!.EndAsync(childRun, outcome, token), $"{Describe(runId, stage)}: ending its child run", ct);
        }
        Log($"{Describe(runId, stage)}: {outcome.Status.ToString().ToLowerInvariant()} in {outcome.DurationMs} ms{(outcome.Message.Length > 0 ? $": {outcome.Message}" : "")}");
        await AdvanceAsync(runId, ct);
    }

    /// <summary>
    /// Lets the coordinator queue the stages this one unblocked. Retried a few times: a lost advance would leave its
    /// dependents Pending until something else advances the run.
    /// </summary>
    private async Task AdvanceAsync(string runId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DurablyAsync(token => _options.Advance(runId, token), $"run {runId}: advancing", ct);
                return;
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                Log($"run {runId}: not advanced: {e.Message}");
                return;
            }
            catch (Exception e) when (attempt < AdvanceAttempts && e is not KeelException)
            {
                Log($"run {runId}: advancing failed ({e.Message}); trying again");
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), _time, CancellationToken.None);
            }
        }
    }

    internal IPipelineStore Store => _store;

    internal IArtifactStore Artifacts => _artifacts;

    internal StageCommandLauncher Launcher => _launcher;

    internal TimeProvider Time => _time;

    internal string WorkerId => _options.WorkerId;

    internal Uri? TrackingUri => _options.TrackingUri?.Invoke();

    internal Func<StageDep, string, CancellationToken, Task<string>>? DatasetDeps => _options.DatasetDeps;

    internal long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Finishes the stage (only if the attempt is still its latest), then ends the attempt, waiting out a database outage
    /// (<see cref="DurablyAsync"/>); <paramref name="ct"/> (the worker stopping) only ends the waiting.
    /// </summary>
    internal async Task FinishAsync(string runId, string stage, AttemptCursor cursor, StageRunStatus status, IReadOnlyDictionary<string, string> outs,
        string message, string? childRun, int? exitCode, string? logPath, CancellationToken ct)
    {
        var what = $"{Describe(runId, stage)}: recording its result";
        var won = await DurablyAsync(token => _store.TryFinishStageAsync(runId, stage, cursor.Number, status, outs, message, childRun, token), what, ct);
        var ended = Now;
        await DurablyAsync(token => _store.EndAttemptAsync(runId, stage, cursor.Number, ended, exitCode, logPath, token), what, ct);
        if (!won)
        {
            Log($"{Describe(runId, stage)}: attempt {cursor.Number} is no longer the latest (this worker was presumed dead); its result is discarded");
        }
    }

    /// <summary>
    /// Runs a store write that a finished stage must not lose, retrying while the database is unreachable
    /// (<see cref="StoreUnavailableException"/>) with backoff up to <see cref="MaxOutageBackoff"/>, for at most
    /// <see cref="StageJobOptions.StoreOutageTolerance"/>. The write itself is never cancelled half-way; <paramref name="ct"/>
    /// (the worker stopping) ends the waiting between tries, leaving the stage Running as a stopped worker does.
    /// </summary>
    internal async Task<T> DurablyAsync<T>(Func<CancellationToken, Task<T>> write, string what, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await write(CancellationToken.None);
                if (attempt > 1)
                {
                    Log($"{what}: the database is back, done");
                }
                return result;
            }
            catch (StoreUnavailableException e) when (_time.GetElapsedTime(started) < _options.StoreOutageTolerance)
            {
                if (attempt == 1)
                {
                    Log($"{what}: the database is unreachable ({e.Message}); trying again until it returns");
                }
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxOutageBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(attempt - 1, 10))));
                await Task.Delay(backoff, _time, ct);
            }
        }
    }

    internal Task DurablyAsync(Func<CancellationToken, Task> write, string what, CancellationToken ct) =>
        DurablyAsync(async token =>
        {
            await write(token);
            return true;
        }, what, ct);

    internal void Log(string line) => _options.Log?.Invoke(line);

    internal static string Describe(string runId, string stage) => $"run {runId[..Math.Min(8, runId.Length)]} stage {stage}";

    private async Task<string?> StartTrackingAsync(PipelineRun run, string stage, CancellationToken ct)
    {
        if (_tracking is null)
        {
            return null;
        }
        try
        {
            return await _tracking.StartAsync(run, stage, _options.WorkerId, ct);
        }
        catch (KeelException e)
        {
            Log($"{Describe(run.Id, stage)}: no child run recorded: {e.Message}");
            return null;
        }
    }

    private static void TryDelete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A process the stage left behind may still hold a file; the temp folder is reclaimed later.
        }
        catch (UnauthorizedAccessException)
        {
            // As above: a read-only file written by the command.
        }
    }
}

/// <summary>The attempt a stage is on (a retry moves it on).</summary>
internal sealed class AttemptCursor(int number)
{
    public int Number { get; set; } = number;
}
