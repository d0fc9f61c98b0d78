using System.Globalization;
using Keel.Core.Monitoring;
using Keel.Core.Monitoring.Alerts;
using Keel.Core.Monitoring.Monitors;
using Keel.Core.Monitoring.Statistics;
using Keel.Web.Pages.Datasets;

namespace Keel.Web.Pages.Monitoring;

/// <summary>One row of the monitors list: the monitor, its newest result and how many alerts it fired lately.</summary>
public sealed record MonitorSummary(StoredMonitor Monitor, MonitorRunResult? Latest, int RecentAlerts);

/// <summary>The monitors list; <see cref="StoreAvailable"/> is false when the server keeps no monitors at all.</summary>
public sealed record MonitorsPageModel(bool StoreAvailable, IReadOnlyList<MonitorSummary> Monitors, int AlertDays);

/// <summary>A chart's data: the x axis (Unix seconds) and its series, as JSON for data- attributes.</summary>
public sealed record TimeSeriesChart(string X, string Series, double? Threshold)
{
    public string? ThresholdText => Threshold?.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One watched feature: its newest verdict and histogram, and its drift score over the results shown.</summary>
public sealed record FeatureView(string Feature, FeatureDriftResult? Latest, TimeSeriesChart Scores, IReadOnlyList<string> BinLabels, string? HistogramSeries)
{
    public static string Method(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "K–S p-value",
        DriftMethod.ChiSquared => "chi-squared p-value",
        DriftMethod.ZTest => "Z-test p-value",
        DriftMethod.Wasserstein => "Wasserstein (normed)",
        DriftMethod.JensenShannon => "Jensen–Shannon distance",
        DriftMethod.Psi => "PSI",
        _ => "K–L divergence",
    };
}

/// <summary>A monitor page: the monitor, the results in the chosen range (oldest first), their charts and recent alerts.</summary>
public sealed record MonitorPageModel(
    StoredMonitor Monitor,
    int Days,
    IReadOnlyList<MonitorRunResult> Results,
    int TotalResults,
    TimeSeriesChart DriftShare,
    IReadOnlyList<FeatureView> Features,
    IReadOnlyList<(string Metric, TimeSeriesChart Chart)> Quality,
    TimeSeriesChart Latency,
    IReadOnlyList<AlertEvent> Alerts)
{
    public MonitorRunResult? Latest => Results.Count == 0 ? null : Results[^1];

    public MonitorSpec Spec => Monitor.Spec;

    public static string Share(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string Number(double? value) => DataFormat.Stat(value);

    public static string Time(DateTimeOffset time) => Components.Format.Timestamp(time.ToUnixTimeMilliseconds());

    public static string IsoTime(DateTimeOffset time) => Components.Format.IsoTimestamp(time.ToUnixTimeMilliseconds());
}
