using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Core.Pipelines;
using Keel.Core.Pipelines.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.KeelApi;

/// <summary>
/// Starts the pipelines whose triggers name a dataset that got a new version, or a monitor that fired alerts (one run per
/// monitor result, whatever the number of alerts, its detail the alerts' text). A failed trigger is logged and never
/// fails the dataset registration or the monitor run that caused it.
/// </summary>
public sealed partial class PipelineEventTriggers(PipelineService pipelines, ILogger<PipelineEventTriggers>? logger = null)
    : IPipelineTriggers, IMonitorResultObserver
{
    /// <summary>The user recorded on runs the server starts by itself.</summary>
    public const string TriggerUser = "keel";

    private readonly ILogger _logger = logger ?? NullLogger<PipelineEventTriggers>.Instance;
    private readonly Lock _pendingLock = new();
    private readonly List<Task> _pending = [];

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
                await pipelines.TriggerAsync(pipeline.Name, trigger, detail, null, TriggerUser, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTriggerFailed(_logger, e, pipeline.Name, detail);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not trigger pipeline {Pipeline} for {Detail}.")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception, string pipeline, string detail);
}
