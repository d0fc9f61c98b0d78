using System.Globalization;
using Keel.Core.Common;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Monitoring.PredictionLogs;
using Keel.Monitoring.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Monitoring.Runner;

/// <summary>
/// Evaluates a monitor at a run time: reads the window [run time − window, run time) of the deployment's prediction
/// log, compares each watched feature with the reference, computes quality on labelled rows and serving health,
/// evaluates the alert rules, stores the result with its alert events, tells the observers and sends the events to
/// the webhooks (in the background; delivery never fails a run). An empty window or a reference that cannot be found
/// gives a stored result whose <see cref="MonitorRunResult.Problem"/> says why, never an exception.
/// </summary>
public sealed partial class MonitorRunner : IAsyncDisposable
{
    private readonly IMonitorStore _store;
    private readonly PredictionLogStore _logs;
    private readonly ReferenceResolver _references;
    private readonly WebhookNotifier? _webhooks;
    private readonly IReadOnlyList<IMonitorResultObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _pendingLock = new();
    private readonly List<Task> _pending = [];

    internal MonitorRunner(
        IMonitorStore store, PredictionLogStore logs, ReferenceResolver references, WebhookNotifier? webhooks,
        IEnumerable<IMonitorResultObserver> observers, TimeProvider time, ILogger<MonitorRunner>? logger = null)
    {
        _store = store;
        _logs = logs;
        _references = references;
        _webhooks = webhooks;
        _observers = [.. observers];
        _time = time;
        _logger = logger ?? NullLogger<MonitorRunner>.Instance;
    }

    /// <summary>Evaluates, stores and reports one run of <paramref name="spec"/> at <paramref name="runAt"/> [default: now].</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the monitor was deleted meanwhile; store failures pass through.</exception>
    public async Task<MonitorRunResult> RunAsync(MonitorSpec spec, DateTimeOffset? runAt = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var evaluated = await EvaluateAsync(spec, runAt ?? _time.GetUtcNow(), ct);
        var result = evaluated with { Alerts = AlertEvaluator.Evaluate(evaluated, spec.Alerts, _time) };
        await _store.AddResultAsync(result, ct);
        foreach (var observer in _observers)
        {
            observer.OnResult(result);
        }
        if (result.Alerts.Count > 0 && spec.Webhooks.Count > 0 && _webhooks is not null)
        {
            Track(_webhooks.NotifyAsync(spec.Webhooks, result.Alerts, _stopping.Token));
        }
        return result;
    }

    /// <summary>Completes when the webhook deliveries started so far have finished (tests, shutdown).</summary>
    public Task WhenNotifiedAsync()
    {
        lock (_pendingLock)
        {
            return Task.WhenAll(_pending);
        }
    }

    /// <summary>The result of one run, without alerts, storing or notifying.</summary>
    internal async Task<MonitorRunResult> EvaluateAsync(MonitorSpec spec, DateTimeOffset runAt, CancellationToken ct)
    {
        var start = runAt - spec.Window;
        var window = await _logs.ReadWindowAsync(spec.Deployment, start, runAt, ct);
        var serving = ServingStatsCalculator.From(window.Records);
        var currentRows = window.Records.Count(r => !r.Shadow);
        if (currentRows == 0)
        {
            return new MonitorRunResult(spec.Name, spec.Deployment, runAt, start, runAt, "", 0, 0, null, null, serving, [],
                Text($"No predictions were logged for '{spec.Deployment}' in the window [{start:u}, {runAt:u})."));
        }

        ResolvedReference? reference = null;
        string? problem = null;
        try
        {
            reference = await _references.ResolveAsync(spec, runAt, ct);
        }
        catch (KeelException e)
        {
            problem = e.Message;
        }
        catch (IOException e)
        {
            problem = $"The reference could not be read: {e.Message}";
        }

        var baseline = reference?.Baseline ?? new Dictionary<string, double>();
        QualityResult? quality = null;
        try
        {
            quality = QualityEvaluator.Evaluate(spec, window.Labelled(), baseline);
        }
        catch (ArgumentException e)
        {
            LogQualityFailed(_logger, e, spec.Name);
        }

        DatasetDriftResult? drift = null;
        if (reference is not null)
        {
            var features = FeatureComparison.Evaluate(spec, reference.Names, reference.Column, window.InputNames, window.Input);
            drift = DatasetDrift.Evaluate(features, spec.DriftShareThreshold);
            if (features.Count == 0)
            {
                problem = "The reference and the logged inputs share no feature to compare; name the features in the monitor.";
            }
        }
        return new MonitorRunResult(spec.Name, spec.Deployment, runAt, start, runAt, reference?.Description ?? "", reference?.Rows ?? 0, currentRows,
            drift, quality, serving, [], problem);
    }

    private void Track(Task delivery)
    {
        lock (_pendingLock)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(delivery);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await WhenNotifiedAsync();
        }
        catch (OperationCanceledException)
        {
            // Deliveries cut short by shutdown.
        }
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Monitor {Monitor}: quality could not be computed.")]
    private static partial void LogQualityFailed(ILogger logger, Exception exception, string monitor);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
