using System.Threading.Channels;
using Keel.Core.Pipelines;
using Keel.Workers.Stages;

namespace Keel.Workers.InProcess;

/// <summary>
/// Runs stages inside this process, for the embedded SQLite default where no other machine can share the database:
/// the same <see cref="StageJob"/> a worker runs, on at most <c>concurrency</c> background tasks. A stage running when
/// the process stops is interrupted (its command killed) and dispatched again by <see cref="ResumeAsync"/> at the next
/// start.
/// </summary>
public sealed class InProcessPipelineDispatcher : IPipelineDispatcher, IAsyncDisposable
{
    private readonly Channel<(string RunId, string Stage)> _queue = Channel.CreateUnbounded<(string, string)>();
    private readonly Lazy<StageJob> _stages;
    private readonly Action<string>? _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _runners;

    /// <param name="stages">Creates the stage runner on first use (it needs the coordinator, which needs this dispatcher).</param>
    /// <param name="concurrency">Stages run at once, at least 1.</param>
    /// <param name="log">Receives failures of the machinery itself (a stage's own failure is recorded on the stage).</param>
    public InProcessPipelineDispatcher(Func<StageJob> stages, int concurrency, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _stages = new Lazy<StageJob>(stages);
        _log = log;
        _runners = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(RunLoopAsync))];
    }

    /// <summary>The default number of stages run at once: half the cores, at least one.</summary>
    public static int DefaultConcurrency => Math.Max(1, Environment.ProcessorCount / 2);

    public Task DispatchAsync(string runId, IReadOnlyList<string> stages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stages);
        foreach (var stage in stages)
        {
            if (!_queue.Writer.TryWrite((runId, stage)))
            {
                throw new InvalidOperationException("the in-process pipeline runner has stopped");
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Dispatches again the stages of unfinished runs that were Queued or Running when this process last stopped (on
    /// the embedded store nothing else could be running them). Looks at the newest <paramref name="maxRuns"/> runs.
    /// </summary>
    public async Task<int> ResumeAsync(IPipelineStore store, int maxRuns = 1000, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var resumed = 0;
        foreach (var run in await store.ListRunsAsync(null, maxRuns, ct))
        {
            if (run.Status is PipelineRunStatus.Succeeded or PipelineRunStatus.Failed)
            {
                continue;
            }
            var stages = run.Stages.Where(s => s.Status is StageRunStatus.Queued or StageRunStatus.Running).Select(s => s.Stage).ToList();
            await DispatchAsync(run.Id, stages, ct);
            resumed += stages.Count;
        }
        return resumed;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_runners).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunLoopAsync()
    {
        try
        {
            await foreach (var (runId, stage) in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await _stages.Value.RunAsync(runId, stage, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store or artifact store failed under the stage; the loop must survive to run the next one.
                    _log?.Invoke($"{StageJob.Describe(runId, stage)}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
