using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Monitors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Keel.Server.KeelApi;

/// <summary>
/// The latest result of each monitor as Prometheus gauges on the tracking server's <c>/metrics</c>, in a registry of
/// its own. A new result replaces every series of its monitor (features may come and go); a deleted monitor's series
/// are removed. <c>keel_monitor_alerts_total</c> counts alerts fired since this process started.
/// </summary>
public sealed class MonitorMetrics : IMonitorResultObserver
{
    private readonly Gauge _featureScore;
    private readonly Gauge _featureDrifted;
    private readonly Gauge _driftedShare;
    private readonly Gauge _datasetDrift;
    private readonly Gauge _quality;
    private readonly Gauge _lastRun;
    private readonly Counter _alerts;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(Gauge Gauge, string[] Labels)>> _series = new(StringComparer.Ordinal);

    public MonitorMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] feature = ["monitor", "deployment", "feature", "method"];
        string[] monitor = ["monitor", "deployment"];
        _featureScore = factory.CreateGauge("keel_monitor_feature_drift_score",
            "Latest drift score per feature: the p-value for ks, chisquare and z (drift when below the threshold), else the distance (drift when at or above it).", feature);
        _featureDrifted = factory.CreateGauge("keel_monitor_feature_drifted", "1 when the feature drifted in the monitor's latest run, else 0.", feature);
        _driftedShare = factory.CreateGauge("keel_monitor_drifted_feature_share", "Share of the watched features that drifted in the latest run (0 to 1).", monitor);
        _datasetDrift = factory.CreateGauge("keel_monitor_dataset_drift", "1 when the latest run found dataset drift (drifted share at or above the threshold), else 0.", monitor);
        _quality = factory.CreateGauge("keel_monitor_quality", "Latest quality on labelled predictions, by metric (accuracy, f1, rmse, …).", ["monitor", "deployment", "metric"]);
        _lastRun = factory.CreateGauge("keel_monitor_last_run_timestamp_seconds", "When the monitor's latest result was computed, in Unix seconds.", monitor);
        _alerts = factory.CreateCounter("keel_monitor_alerts_total", "Alerts fired by monitors since this server started, by rule kind.", ["monitor", "deployment", "kind"]);
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    public void OnResult(MonitorRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Show(result);
        foreach (var alert in result.Alerts)
        {
            _alerts.WithLabels(result.Monitor, result.Deployment, MonitorNames.Of(alert.Kind)).Inc();
        }
    }

    public void OnDeleted(string monitor)
    {
        lock (_lock)
        {
            Forget(monitor);
        }
    }

    /// <summary>Sets the gauges of <paramref name="result"/>'s monitor to it, without counting its alerts (a refresh at startup).</summary>
    public void Show(MonitorRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_lock)
        {
            Forget(result.Monitor);
            var series = new List<(Gauge, string[])>();
            void Set(Gauge gauge, double value, params string[] labels)
            {
                gauge.WithLabels(labels).Set(value);
                series.Add((gauge, labels));
            }
            Set(_lastRun, result.RunAt.ToUnixTimeMilliseconds() / 1000.0, result.Monitor, result.Deployment);
            if (result.Drift is { } drift)
            {
                Set(_driftedShare, drift.DriftedShare, result.Monitor, result.Deployment);
                Set(_datasetDrift, drift.DatasetDrift ? 1 : 0, result.Monitor, result.Deployment);
                foreach (var feature in drift.Features.Where(f => f.Score is not null))
                {
                    string[] labels = [result.Monitor, result.Deployment, feature.Feature, MonitorNames.Of(feature.Method)];
                    Set(_featureScore, feature.Score!.Value, labels);
                    Set(_featureDrifted, feature.Drifted ? 1 : 0, labels);
                }
            }
            foreach (var (metric, value) in result.Quality?.Current ?? new Dictionary<string, double>())
            {
                Set(_quality, value, result.Monitor, result.Deployment, metric);
            }
            _series[result.Monitor] = series;
        }
    }

    private void Forget(string monitor)
    {
        if (_series.Remove(monitor, out var old))
        {
            foreach (var (gauge, labels) in old)
            {
                gauge.RemoveLabelled(labels);
            }
        }
    }
}

/// <summary>Fills the gauges from each monitor's latest stored result when the server starts.</summary>
internal sealed partial class MonitorMetricsRefresher(IMonitorStore store, MonitorMetrics metrics, ILogger<MonitorMetricsRefresher> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var monitor in await store.ListMonitorsAsync(null, cancellationToken))
            {
                if (await store.GetLatestResultAsync(monitor.Spec.Name, cancellationToken) is { } latest)
                {
                    metrics.Show(latest);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Gauges fill in as monitors run; a store that is away at startup must not keep the server down.
            LogRefreshFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fill the monitor gauges from the store at startup.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
