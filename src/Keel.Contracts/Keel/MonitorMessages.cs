namespace Keel.Contracts.KeelApi;

// Wire shapes of /api/keel/v1/monitors and /api/keel/v1/alerts, snake_case through MonitorJsonContext. The spec has
// the shape of a monitor YAML file; durations are text such as "15m", "1h30m" or "7d"; times are epoch milliseconds.
// Request fields are nullable so a missing one is reported by name, not as malformed JSON.

/// <summary>What a monitor compares the current window with.</summary>
public sealed record MonitorReferenceDto
{
    /// <summary><c>training_data</c> (default: found through lineage), <c>dataset</c> or <c>traffic</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>For <c>dataset</c>: the dataset's name.</summary>
    public string? Dataset { get; init; }

    /// <summary>For <c>dataset</c>: its version.</summary>
    public long? Version { get; init; }

    /// <summary>For <c>traffic</c>: how far before the current window's end the reference window ends, e.g. <c>7d</c>.</summary>
    public string? Offset { get; init; }
}

/// <summary>One feature's drift overrides; null members take Evidently's defaults.</summary>
public sealed record DriftOptionsDto
{
    /// <summary><c>ks</c>, <c>chisquare</c>, <c>z</c>, <c>wasserstein</c>, <c>jensenshannon</c>, <c>psi</c> or <c>kl_div</c>.</summary>
    public string? Method { get; init; }

    /// <summary>A p-value threshold for ks, chisquare and z (drift when p &lt; it); a distance threshold otherwise (drift when ≥ it).</summary>
    public double? Threshold { get; init; }

    /// <summary><c>numeric</c> or <c>categorical</c>; null infers it.</summary>
    public string? Kind { get; init; }
}

/// <summary>One alert rule of a monitor.</summary>
public sealed record AlertRuleDto
{
    public string? Name { get; init; }

    /// <summary><c>drift</c>, <c>quality</c>, <c>latency</c> or <c>error_rate</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The limit: a quality metric's floor (ceiling for log_loss, rmse, mae), p99 ms, or an error rate 0–1; none for drift.</summary>
    public double? Threshold { get; init; }

    /// <summary>For quality rules: accuracy, precision, recall, f1, roc_auc, log_loss, rmse, mae or r2.</summary>
    public string? Metric { get; init; }

    /// <summary>For drift rules: one feature instead of the dataset verdict.</summary>
    public string? Feature { get; init; }
}

/// <summary>A monitor's spec: the body of <c>POST monitors</c> and <c>PUT monitors/{name}</c>, with the shape of a monitor YAML file.</summary>
public sealed record MonitorSpecDto
{
    public string? Name { get; init; }

    /// <summary>The deployment (or served model name) whose prediction log is read.</summary>
    public string? Deployment { get; init; }

    /// <summary>Null means the training data found through lineage.</summary>
    public MonitorReferenceDto? Reference { get; init; }

    /// <summary>Length of the window evaluated at each run [default: <c>1h</c>].</summary>
    public string? Window { get; init; }

    /// <summary>Cron expression (5 fields, UTC) for periodic runs; null runs only on demand.</summary>
    public string? Schedule { get; init; }

    /// <summary>Features to watch; empty watches every input both the log and the reference have.</summary>
    public IReadOnlyList<string> Features { get => field ?? []; init; }

    /// <summary>Per-feature overrides, by feature name.</summary>
    public IReadOnlyDictionary<string, DriftOptionsDto> FeatureOptions { get => field ?? new Dictionary<string, DriftOptionsDto>(); init; }

    /// <summary>Dataset drift when the share of drifted features is at least this [default: 0.5].</summary>
    public double? DriftShareThreshold { get; init; }

    /// <summary><c>classification</c> or <c>regression</c>; null infers it.</summary>
    public string? Task { get; init; }

    /// <summary>The logged output compared with the labels [default: <c>prediction</c>].</summary>
    public string? PredictionOutput { get; init; }

    /// <summary>For binary classification: the logged output holding the positive class's probability.</summary>
    public string? ScoreOutput { get; init; }

    public IReadOnlyList<AlertRuleDto> Alerts { get => field ?? []; init; }

    /// <summary>URLs that receive each fired alert as a JSON POST.</summary>
    public IReadOnlyList<string> Webhooks { get => field ?? []; init; }
}

/// <summary>A stored monitor: the answer of create, get and update, and an entry of list.</summary>
public sealed record MonitorDto
{
    public required string Name { get; init; }

    public required string Deployment { get; init; }

    public required MonitorSpecDto Spec { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    /// <summary>When the scheduler runs it next; null without a schedule.</summary>
    public long? NextRunAt { get; init; }
}

/// <summary>Answer of <c>GET monitors</c>, by name.</summary>
public sealed record ListMonitorsResponse
{
    public IReadOnlyList<MonitorDto> Monitors { get => field ?? []; init; }
}

/// <summary>Body of <c>POST monitors/{name}/run</c>, which may be empty.</summary>
public sealed record RunMonitorRequest
{
    /// <summary>The run time (ISO 8601); the window ends here [default: now].</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>One bar pair of a reference-vs-current histogram: a numeric bin [lower, upper) or a category.</summary>
public sealed record HistogramBinDto
{
    public double? Lower { get; init; }

    public double? Upper { get; init; }

    public string? Category { get; init; }

    public double ReferenceShare { get; init; }

    public double CurrentShare { get; init; }
}

/// <summary>One feature's drift verdict.</summary>
public sealed record FeatureDriftDto
{
    public required string Feature { get; init; }

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The statistic, as in <see cref="DriftOptionsDto.Method"/>.</summary>
    public required string Method { get; init; }

    /// <summary>The statistic's value (a distance, or the test statistic); null when it could not be computed.</summary>
    public double? Score { get; init; }

    /// <summary>The p-value of ks, chisquare and z; null for distances.</summary>
    public double? PValue { get; init; }

    public double Threshold { get; init; }

    public bool Drifted { get; init; }

    public int ReferenceCount { get; init; }

    public int CurrentCount { get; init; }

    /// <summary>Why nothing could be computed, or null.</summary>
    public string? Problem { get; init; }

    public IReadOnlyList<HistogramBinDto> Histogram { get => field ?? []; init; }
}

/// <summary>Dataset drift: the share of drifted features against the threshold.</summary>
public sealed record DatasetDriftDto
{
    public double DriftedShare { get; init; }

    public double ShareThreshold { get; init; }

    public bool DatasetDrift { get; init; }

    public IReadOnlyList<FeatureDriftDto> Features { get => field ?? []; init; }
}

/// <summary>Quality on the window's labelled rows next to the model version's recorded metrics.</summary>
public sealed record QualityDto
{
    /// <summary><c>classification</c> or <c>regression</c>.</summary>
    public required string Task { get; init; }

    public int LabelledRows { get; init; }

    public IReadOnlyDictionary<string, double> Current { get => field ?? new Dictionary<string, double>(); init; }

    public IReadOnlyDictionary<string, double> Baseline { get => field ?? new Dictionary<string, double>(); init; }
}

/// <summary>Serving health in a window.</summary>
public sealed record ServingStatsDto
{
    public int Requests { get; init; }

    /// <summary>Requests answered with a status of 400 or more.</summary>
    public int Errors { get; init; }

    public double ErrorRate { get; init; }

    public double? P50LatencyMs { get; init; }

    public double? P99LatencyMs { get; init; }
}

/// <summary>An alert that fired.</summary>
public sealed record AlertEventDto
{
    public required string Id { get; init; }

    public required string Monitor { get; init; }

    public required string Deployment { get; init; }

    public required string Rule { get; init; }

    /// <summary><c>drift</c>, <c>quality</c>, <c>latency</c> or <c>error_rate</c>.</summary>
    public required string Kind { get; init; }

    public required string Message { get; init; }

    public double Value { get; init; }

    public double Threshold { get; init; }

    public long FiredAt { get; init; }
}

/// <summary>One evaluation of a monitor: the answer of <c>run</c> and <c>latest</c>, and an entry of <c>results</c>.</summary>
public sealed record MonitorResultDto
{
    public required string Monitor { get; init; }

    public required string Deployment { get; init; }

    public long RunAt { get; init; }

    public long WindowStart { get; init; }

    public long WindowEnd { get; init; }

    /// <summary>What the window was compared with, e.g. <c>dataset churn-train v3</c>.</summary>
    public required string Reference { get; init; }

    public int ReferenceRows { get; init; }

    public int CurrentRows { get; init; }

    /// <summary>Null when nothing could be compared (see <see cref="Problem"/>).</summary>
    public DatasetDriftDto? Drift { get; init; }

    /// <summary>Null when no labelled rows were in the window.</summary>
    public QualityDto? Quality { get; init; }

    public required ServingStatsDto Serving { get; init; }

    public IReadOnlyList<AlertEventDto> Alerts { get => field ?? []; init; }

    /// <summary>Why nothing could be computed (one sentence), or null.</summary>
    public string? Problem { get; init; }
}

/// <summary>Answer of <c>GET monitors/{name}/results</c>, oldest first.</summary>
public sealed record ListMonitorResultsResponse
{
    public IReadOnlyList<MonitorResultDto> Results { get => field ?? []; init; }
}

/// <summary>Answer of <c>GET monitors/{name}/latest</c>.</summary>
public sealed record LatestMonitorResultResponse
{
    /// <summary>The newest result, or null before the monitor's first run.</summary>
    public MonitorResultDto? Result { get; init; }
}

/// <summary>Answer of <c>GET alerts</c>, newest first.</summary>
public sealed record ListAlertEventsResponse
{
    public IReadOnlyList<AlertEventDto> Alerts { get => field ?? []; init; }
}

/// <summary>Answer of <c>DELETE monitors/{name}</c>: <c>{}</c>.</summary>
public sealed record DeleteMonitorResponse;
