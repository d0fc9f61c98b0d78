using Keel.Contracts.KeelApi;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;

namespace Keel.Server.KeelApi;

/// <summary>Monitors, results and alert events from Core to the wire (requests are read by <see cref="MonitorYaml"/>).</summary>
internal static class MonitorMapper
{
    public static MonitorDto ToDto(this StoredMonitor monitor) => new()
    {
        Name = monitor.Spec.Name,
        Deployment = monitor.Spec.Deployment,
        Spec = monitor.Spec.ToDto(),
        CreatedAt = monitor.CreatedAt,
        UpdatedAt = monitor.UpdatedAt,
        NextRunAt = monitor.NextRunAt,
    };

    public static MonitorSpecDto ToDto(this MonitorSpec spec) => new()
    {
        Name = spec.Name,
        Deployment = spec.Deployment,
        Reference = new MonitorReferenceDto
        {
            Kind = MonitorNames.Of(spec.Reference.Kind),
            Dataset = spec.Reference.Dataset,
            Version = spec.Reference.DatasetVersion,
            Offset = spec.Reference.Offset is { } offset ? MonitorDuration.Format(offset) : null,
        },
        Window = MonitorDuration.Format(spec.Window),
        Schedule = spec.Schedule,
        Features = spec.Features,
        FeatureOptions = spec.FeatureOptions.ToDictionary(o => o.Key, o => new DriftOptionsDto
        {
            Method = o.Value.Method is { } method ? MonitorNames.Of(method) : null,
            Threshold = o.Value.Threshold,
            Kind = o.Value.Kind is { } kind ? MonitorNames.Of(kind) : null,
        }, StringComparer.Ordinal),
        DriftShareThreshold = spec.DriftShareThreshold,
        Task = spec.Task is { } task ? MonitorNames.Of(task) : null,
        PredictionOutput = spec.PredictionOutput,
        ScoreOutput = spec.ScoreOutput,
        Alerts = spec.Alerts.Select(a => new AlertRuleDto
        {
            Name = a.Name,
            Kind = MonitorNames.Of(a.Kind),
            Threshold = a.Threshold,
            Metric = a.Metric,
            Feature = a.Feature,
        }).ToArray(),
        Webhooks = spec.Webhooks.Select(w => w.OriginalString).ToArray(),
    };

    public static MonitorResultDto ToDto(this MonitorRunResult result) => new()
    {
        Monitor = result.Monitor,
        Deployment = result.Deployment,
        RunAt = result.RunAt.ToUnixTimeMilliseconds(),
        WindowStart = result.WindowStart.ToUnixTimeMilliseconds(),
        WindowEnd = result.WindowEnd.ToUnixTimeMilliseconds(),
        Reference = result.Reference,
        ReferenceRows = result.ReferenceRows,
        CurrentRows = result.CurrentRows,
        Drift = result.Drift is { } drift ? new DatasetDriftDto
        {
            DriftedShare = drift.DriftedShare,
            ShareThreshold = drift.ShareThreshold,
            DatasetDrift = drift.DatasetDrift,
            Features = drift.Features.Select(ToDto).ToArray(),
        } : null,
        Quality = result.Quality is { } quality ? new QualityDto
        {
            Task = MonitorNames.Of(quality.Task),
            LabelledRows = quality.LabelledRows,
            Current = quality.Current,
            Baseline = quality.Baseline,
        } : null,
        Serving = new ServingStatsDto
        {
            Requests = result.Serving.Requests,
            Errors = result.Serving.Errors,
            ErrorRate = result.Serving.ErrorRate,
            P50LatencyMs = result.Serving.P50LatencyMs,
            P99LatencyMs = result.Serving.P99LatencyMs,
        },
        Alerts = result.Alerts.Select(ToDto).ToArray(),
        Problem = result.Problem,
    };

    public static AlertEventDto ToDto(this AlertEvent alert) => new()
    {
        Id = alert.Id,
        Monitor = alert.Monitor,
        Deployment = alert.Deployment,
        Rule = alert.Rule,
        Kind = MonitorNames.Of(alert.Kind),
        Message = alert.Message,
        Value = alert.Value,
        Threshold = alert.Threshold,
        FiredAt = alert.FiredAt.ToUnixTimeMilliseconds(),
    };

    private static FeatureDriftDto ToDto(FeatureDriftResult feature) => new()
    {
        Feature = feature.Feature,
        Kind = MonitorNames.Of(feature.Kind),
        Method = MonitorNames.Of(feature.Method),
        Score = feature.Score,
        PValue = feature.PValue,
        Threshold = feature.Threshold,
        Drifted = feature.Drifted,
        ReferenceCount = feature.ReferenceCount,
        CurrentCount = feature.CurrentCount,
        Problem = feature.Problem,
        Histogram = feature.Histogram.Select(b => new HistogramBinDto
        {
            Lower = b.Lower,
            Upper = b.Upper,
            Category = b.Category,
            ReferenceShare = b.ReferenceShare,
            CurrentShare = b.CurrentShare,
        }).ToArray(),
    };
}
