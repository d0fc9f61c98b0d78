using System.Collections.Concurrent;
using Keel.Core.Models;
using Keel.Monitoring.PredictionLogs;
using Keel.Serving.Monitoring;
using Keel.Serving.Runtime;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Keel.Serving.Routing;

// Sends copies of answered requests to the shadows in the background, at most a fixed number at once, and records
// how each shadow's answer compared. Nothing here can delay, change or fail the answer already returned.
internal sealed partial class ShadowMirror : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly IShadowRecorder? _recorder;
    private readonly Counter _requests;
    private readonly double _tolerance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly PredictionLogger? _predictionLog;
    private readonly ConcurrentDictionary<Task, byte> _pending = new();

    public ShadowMirror(int maxPending, IShadowRecorder? recorder, CollectorRegistry registry, double tolerance, TimeProvider time, ILogger logger,
        CancellationToken stopping, PredictionLogger? predictionLog = null)
    {
        _predictionLog = predictionLog;
        _slots = new SemaphoreSlim(maxPending, maxPending);
        _recorder = recorder;
        _tolerance = tolerance;
        _time = time;
        _logger = logger;
        _stopping = stopping;
        _requests = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter(
            "keel_serving_shadow_requests_total",
            "Requests copied to a deployment's shadow routes, by outcome (agree, disagree, error, dropped when too many were pending).",
            ["deployment", "shadow", "outcome"]);
    }

    // The caller holds a lease on the table; each shadow takes one of its own until it has been recorded.
    public void Mirror(RoutingTable table, DataBatch input, BoundRoute primary, ScoreResult answer)
    {
        var logged = _predictionLog is null ? null : PredictionCapture.Current;
        foreach (var shadow in table.Shadows)
        {
            if (_stopping.IsCancellationRequested || !_slots.Wait(0))
            {
                Count(table, shadow, ShadowOutcome.Dropped);
                continue;
            }

            table.TryAcquire();
            // Task.Run: an unbatched host predicts synchronously inside ScoreAsync, which must not run on the request's thread.
            var task = Task.Run(() => RunAsync(table, shadow, input, primary, answer, logged), CancellationToken.None);
            _pending.TryAdd(task, 0);
            _ = task.ContinueWith(t => _pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    // Call after IdleAsync, once no request can reach Mirror any more.
    public void Dispose() => _slots.Dispose();

    // Completes when every shadow sent so far has been recorded.
    public Task IdleAsync() => Task.WhenAll(_pending.Keys);

    private async Task RunAsync(RoutingTable table, BoundRoute shadow, DataBatch input, BoundRoute primary, ScoreResult answer, PredictionLogEntry? logged)
    {
        var started = _time.GetTimestamp();
        try
        {
            ShadowComparison comparison;
            try
            {
                var result = await shadow.Host.ScoreAsync(input, _stopping).ConfigureAwait(false);
                if (logged is not null)
                {
                    PredictionCapture.Shadow(_predictionLog!, logged, shadow.Name, input, result, result.Version, _time.GetElapsedTime(started));
                }
                var columns = ShadowComparer.Compare(answer.Outputs, result.Outputs, _tolerance);
                comparison = Comparison(table, primary, answer, shadow, result.Version, columns.All(c => c.Equal) ? ShadowOutcome.Agree : ShadowOutcome.Disagree,
                    columns, error: null);
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                LogShadowFailed(_logger, e, table.Spec.Name, shadow.Name);
                if (logged is not null)
                {
                    PredictionCapture.Shadow(_predictionLog!, logged, shadow.Name, input, null, shadow.Host.Current, _time.GetElapsedTime(started));
                }
                comparison = Comparison(table, primary, answer, shadow, shadow.Host.Current, ShadowOutcome.Error, [], $"{e.GetType().Name}: {e.Message}");
            }

            Count(table, shadow, comparison.Outcome);
            if (_recorder is not null)
            {
                await _recorder.RecordAsync(comparison, _stopping).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Stopping, or the recorder failed: the comparison is lost, the counter still has it.
            if (!_stopping.IsCancellationRequested)
            {
                LogRecordFailed(_logger, e, table.Spec.Name, shadow.Name);
            }
        }
        finally
        {
            _slots.Release();
            table.Release();
        }
    }

    private ShadowComparison Comparison(
        RoutingTable table, BoundRoute primary, ScoreResult answer, BoundRoute shadow, ServedVersion? shadowVersion, ShadowOutcome outcome,
        IReadOnlyList<ShadowColumnComparison> columns, string? error) =>
        new(_time.GetUtcNow(), table.Spec.Name, primary.Name, answer.Version.ModelName, answer.Version.Version, shadow.Name,
            shadowVersion?.ModelName, shadowVersion?.Version, outcome, columns, error);

    private void Count(RoutingTable table, BoundRoute shadow, ShadowOutcome outcome) =>
        _requests.WithLabels(table.Spec.Name, shadow.Name, JsonLinesShadowRecorder.OutcomeLabel(outcome)).Inc();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shadow {Shadow} of deployment {Deployment} failed; the answer returned is unaffected")]
    private static partial void LogShadowFailed(ILogger logger, Exception exception, string deployment, string shadow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record shadow {Shadow} of deployment {Deployment}")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string deployment, string shadow);
}
