using Keel.Core.Monitoring.Statistics;

namespace Keel.Core.Monitoring.Alerts;

/// <summary>
/// Turns one monitor run into the alerts its rules fire. Pure: no I/O; the clock only stamps
/// <see cref="AlertEvent.FiredAt"/>. Events come back in rule order, at most one per rule.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Drift</b> fires on the run's dataset verdict (<see cref="DatasetDriftResult.DatasetDrift"/>), with
/// <see cref="AlertEvent.Value"/> the drifted share and <see cref="AlertEvent.Threshold"/> the share threshold.
/// With <see cref="AlertRule.Feature"/> it fires when that feature drifted; the value is what the feature's
/// threshold is compared with: the p-value for the tests (KS, chi-squared, Z) and the score for the distances
/// (Wasserstein, Jensen–Shannon, PSI, K–L). A feature that was not computed (or not watched) fires nothing.</item>
/// <item><b>Quality</b> fires when the metric is below the threshold (log_loss, rmse, mae: above); equal does not
/// fire. No labelled rows, or a metric the run could not compute (e.g. roc_auc without scores), fires nothing.</item>
/// <item><b>Latency</b> fires when p99 latency (ms) is above the threshold, <b>ErrorRate</b> when the error rate
/// is above it; a window without requests fires neither.</item>
/// <item>A run with <see cref="MonitorRunResult.Problem"/> set fires no drift or quality alerts (their inputs are
/// missing or untrustworthy), but latency and error-rate rules are still evaluated: they read the prediction
/// log's own serving stats, and a failing deployment must not be hidden because its reference could not load.</item>
/// </list>
/// </remarks>
public static class AlertEvaluator
{
    /// <summary>The alerts that <paramref name="rules"/> fire for <paramref name="result"/>, stamped with <paramref name="time"/>'s now.</summary>
    public static IReadOnlyList<AlertEvent> Evaluate(MonitorRunResult result, IReadOnlyList<AlertRule> rules, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(time);
        var firedAt = time.GetUtcNow();
        var events = new List<AlertEvent>();
        foreach (var rule in rules)
        {
            if (rule is not null && Check(result, rule) is { } firing)
            {
                events.Add(new AlertEvent(
                    Guid.NewGuid().ToString("N"), result.Monitor, result.Deployment, rule.Name, rule.Kind,
                    firing.Message, firing.Value, firing.Threshold, firedAt));
            }
        }
        return events;
    }

    private sealed record Firing(string Message, double Value, double Threshold);

    private static Firing? Check(MonitorRunResult result, AlertRule rule) =>
        rule.Kind switch
        {
            AlertKind.Drift when result.Problem is null && result.Drift is { } drift =>
                rule.Feature is null ? DatasetDrift(drift) : FeatureDrift(drift, rule.Feature),
            AlertKind.Quality when result.Problem is null && result.Quality is { LabelledRows: > 0 } quality
                && rule.Metric is { } metric && rule.Threshold is { } threshold =>
                Quality(quality, metric, threshold),
            AlertKind.Latency when rule.Threshold is { } threshold => Latency(result.Serving, threshold),
            AlertKind.ErrorRate when rule.Threshold is { } threshold => ErrorRate(result.Serving, threshold),
            _ => null,
        };

    private static Firing? DatasetDrift(DatasetDriftResult drift)
    {
        if (!drift.DatasetDrift)
        {
            return null;
        }
        var computed = drift.Features.Count(f => f.Problem is null);
        var drifted = drift.Features.Count(f => f.Problem is null && f.Drifted);
        return new Firing(
            AlertText.Of($"dataset drift: {drifted} of {computed} features drifted (share {AlertText.Share(drift.DriftedShare)} ≥ {AlertText.Share(drift.ShareThreshold)})"),
            drift.DriftedShare, drift.ShareThreshold);
    }

    private static Firing? FeatureDrift(DatasetDriftResult drift, string feature)
    {
        var found = drift.Features.FirstOrDefault(f => string.Equals(f.Feature, feature, StringComparison.Ordinal));
        if (found is not { Problem: null, Drifted: true })
        {
            return null;
        }
        // The tests compare a p-value with a significance level; the distances compare the score itself.
        var byPValue = found.Method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquared or DriftMethod.ZTest;
        var value = (byPValue ? found.PValue ?? found.Score : found.Score ?? found.PValue) ?? double.NaN;
        var comparison = byPValue
            ? AlertText.Of($"{AlertText.Method(found.Method)} p-value {AlertText.Number(value)} < {AlertText.Number(found.Threshold)}")
            : AlertText.Of($"{AlertText.Method(found.Method)} {AlertText.Number(value)} ≥ {AlertText.Number(found.Threshold)}");
        return new Firing(
            AlertText.Of($"feature '{found.Feature}' drifted: {comparison} ({found.CurrentCount} current vs {found.ReferenceCount} reference values)"),
            value, found.Threshold);
    }

    private static Firing? Quality(QualityResult quality, string metric, double threshold)
    {
        if (!quality.Current.TryGetValue(metric, out var value) || double.IsNaN(value))
        {
            return null;
        }
        var lowerIsBetter = QualityMetricLimits.LowerIsBetter(metric);
        if (lowerIsBetter ? value <= threshold : value >= threshold)
        {
            return null;
        }
        var baseline = quality.Baseline.TryGetValue(metric, out var b) && !double.IsNaN(b)
            ? AlertText.Of($" (baseline {AlertText.Number(b)})")
            : "";
        return new Firing(
            AlertText.Of($"quality: {metric} {AlertText.Number(value)} {(lowerIsBetter ? ">" : "<")} {AlertText.Number(threshold)} on {quality.LabelledRows} labelled rows{baseline}"),
            value, threshold);
    }

    private static Firing? Latency(ServingStats serving, double threshold) =>
        serving.Requests > 0 && serving.P99LatencyMs is { } p99 && p99 > threshold
            ? new Firing(
                AlertText.Of($"p99 latency {AlertText.Number(p99)} ms > {AlertText.Number(threshold)} ms over {serving.Requests} requests"),
                p99, threshold)
            : null;

    private static Firing? ErrorRate(ServingStats serving, double threshold) =>
        serving.Requests > 0 && serving.ErrorRate > threshold
            ? new Firing(
                AlertText.Of($"error rate {AlertText.Number(serving.ErrorRate)} > {AlertText.Number(threshold)} ({serving.Errors} of {serving.Requests} requests failed)"),
                serving.ErrorRate, threshold)
            : null;
}
