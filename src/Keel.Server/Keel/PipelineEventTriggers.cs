using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.KeelApi;

/// <summary>
/// Starts the pipelines whose triggers name a dataset that got a new version, or a monitor that fired alerts (one run per
/// monitor result, whatever the number of alerts, its detail the alerts' text). An alert while a run of the pipeline is
/// still queued or running starts nothing: that run is already retraining on the data the alert is about, and a monitor
/// that alerts on every scheduled evaluation must not pile up runs. (A new dataset version always starts a run: the
/// running one may have read the previous version.) A failed trigger is logged and never fails the dataset registration
/// or the monitor run that caused it.
/// </summary>
public sealed partial class PipelineEventTriggers(PipelineService pipelines, ILogger<PipelineEventTriggers>? logger = null)
    : IPipelineTriggers, IMonitorResultObserver
{
    /// <summary>The user recorded on runs the server starts by itself.</summary>
    public const string TriggerUser = "keel";

    private readonly ILogger _logger = logger ?? NullLogger<PipelineEventTriggers>.Instance;
    private readonly Lock _pendingLock = new();
    private readonly List<Task> _pending = [];

    // Runs are listed newest first; an active one is among the latest.
    private const int ActiveRunsScanned = 20;

    // The version is stored already: a client that hangs up now must not leave its runs half-created.
    public Task OnDatasetVersionAsync(string dataset, long version, CancellationToken ct = default) =>
        TriggerAllAsync(PipelineTriggerKind.DatasetVersion, dataset, PipelineRunTrigger.DatasetVersion,
            string.Create(CultureInfo.InvariantCulture, $"{dataset}@{version}"), CancellationToken.None);

    /// <summary>Called on the monitor runner's thread, so the triggering runs in the background (see <see cref="WhenIdleAsync"/>).</summary>
    public void OnResult(MonitorRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Alerts.Count == 0)
        {
            return;
        }
        var detail = $"{result.Monitor}: {string.Join("; ", result.Alerts.Select(a => a.Message))}";
        var task = Task.Run(() => TriggerAllAsync(PipelineTriggerKind.MonitorAlert, result.Monitor, PipelineRunTrigger.MonitorAlert, detail, CancellationToken.None));
        lock (_pendingLock)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
    }

    public void OnDeleted(string monitor)
    {
    }

    /// <summary>Completes when the alert-triggered runs started so far have been created (tests, shutdown).</summary>
    public Task WhenIdleAsync()
    {
        lock (_pendingLock)
        {
            return Task.WhenAll(_pending);
        }
    }

    private async Task TriggerAllAsync(PipelineTriggerKind kind, string target, PipelineRunTrigger trigger, string detail, CancellationToken ct)
    {
        IReadOnlyList<RegisteredPipeline> targets;
        try
        {
            targets = await pipelines.TriggeredByAsync(kind, target, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTriggerFailed(_logger, e, "(listing pipelines)", detail);
            return;
        }
        foreach (var pipeline in targets)
        {
            try
            {
                if (trigger == PipelineRunTrigger.MonitorAlert && await ActiveRunAsync(pipeline.Name, ct) is { } active)
                {
                    LogAlertCoalesced(_logger, pipeline.Name, active.Id, detail);
                    continue;
                }
                await pipelines.TriggerAsync(pipeline.Name, trigger, detail, null, TriggerUser, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTriggerFailed(_logger, e, pipeline.Name, detail);
            }
        }
    }

    // Best effort: two alerts in the same instant may both see no active run and start one each.
    private async Task<PipelineRun?> ActiveRunAsync(string pipeline, CancellationToken ct) =>
        (await pipelines.ListRunsAsync(pipeline, ActiveRunsScanned, ct)).FirstOrDefault(r => r.Status is PipelineRunStatus.Queued or PipelineRunStatus.Running);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} not triggered for {Detail}: its run {RunId} is still under way.")]
    private static partial void LogAlertCoalesced(ILogger logger, string pipeline, string runId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not trigger pipeline {Pipeline} for {Detail}.")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception, string pipeline, string detail);
}
