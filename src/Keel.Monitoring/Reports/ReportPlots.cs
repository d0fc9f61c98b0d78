using System.Globalization;
using Keel.Core.Monitoring.Statistics;
using ScottPlot;

namespace Keel.Monitoring.Reports;

/// <summary>The report's plots, drawn by ScottPlot and returned as cleaned inline SVG.</summary>
internal sealed class ReportPlots
{
    /// <summary>Categories drawn per histogram: the ones with the largest shares; the rest would be unreadable.</summary>
    public const int MaxCategories = 25;

    private const int MaxLabelLength = 24;
    private const int Width = 560;
    private const int Height = 260;
    private const int HistogramHeight = 300;

    private static readonly Color ReferenceColor = Color.FromHex("#4C72B0");
    private static readonly Color CurrentColor = Color.FromHex("#DD8452");
    private static readonly Color DriftColor = Color.FromHex("#C44E52");
    private static readonly Color ThresholdColor = Color.FromHex("#8C8C8C");

    private int _count;

    public string Histogram(FeatureHistogram histogram)
    {
        var plot = NewPlot();
        var bins = histogram.Bins;
        var height = HistogramHeight;
        var numeric = bins.All(b => b.Lower is { } l && double.IsFinite(l) && b.Upper is { } u && double.IsFinite(u) && u > l);
        if (numeric)
        {
            foreach (var bin in bins)
            {
                var width = bin.Upper!.Value - bin.Lower!.Value;
                AddBarPair(plot, bin.Lower.Value + width / 4, bin.Lower.Value + width * 3 / 4, width / 2, bin, horizontal: false);
            }
            plot.YLabel("share of rows");
            plot.Axes.Margins(bottom: 0);
        }
        else
        {
            // Categories run down the left axis, where ScottPlot makes room for names of any length.
            var shown = bins.Count <= MaxCategories ? bins : bins.OrderByDescending(b => b.ReferenceShare + b.CurrentShare).Take(MaxCategories).ToList();
            for (var i = 0; i < shown.Count; i++)
            {
                AddBarPair(plot, -i + 0.2, -i - 0.2, 0.4, shown[i], horizontal: true);
            }
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                Enumerable.Range(0, shown.Count).Select(i => (double)-i).ToArray(), shown.Select(BinLabel).ToArray());
            plot.XLabel("share of rows");
            plot.Axes.Margins(left: 0);
            height = Math.Max(HistogramHeight, 80 + 28 * shown.Count);
        }
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "reference", FillColor = ReferenceColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "current", FillColor = CurrentColor });
        // Above the plot, where no bar can hide under it.
        plot.ShowLegend(Edge.Top);
        return Render(plot, height, "histogram of " + histogram.Feature);
    }

    public string DriftScore(DriftScoreSeries series)
    {
        var plot = NewPlot();
        AddTimeLine(plot, series.Points.Select(p => new TimePoint(p.At, p.Value)).ToList(), ReferenceColor, series.Measure == "p_value" ? "p-value" : series.Method);
        var drifted = series.Points.Where(p => p.Drifted).ToList();
        if (drifted.Count > 0)
        {
            var marks = plot.Add.ScatterPoints(drifted.Select(p => X(p.At)).ToArray(), drifted.Select(p => p.Value).ToArray(), DriftColor);
            marks.MarkerSize = 9;
            marks.LegendText = "drifted";
        }
        AddThreshold(plot, series.Threshold);
        plot.YLabel(series.Measure == "p_value" ? "p-value (" + series.Method + ")" : series.Method);
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, Height, "drift of " + series.Feature + " over time");
    }

    public string DriftedShare(IReadOnlyList<TimePoint> points, double threshold)
    {
        var plot = NewPlot();
        AddTimeLine(plot, points, DriftColor, "drifted share");
        AddThreshold(plot, threshold);
        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.YLabel("share of features drifted");
        return Render(plot, Height, "share of drifted features over time");
    }

    public string QualityMetric(QualityMetricSeries series)
    {
        var plot = NewPlot();
        AddTimeLine(plot, series.Points, ReferenceColor, series.Metric);
        if (series.Baseline is { } baseline && double.IsFinite(baseline))
        {
            AddThreshold(plot, baseline).LegendText = "baseline";
        }
        plot.YLabel(series.Metric);
        plot.ShowLegend(Alignment.LowerLeft);
        return Render(plot, Height, series.Metric + " over time");
    }

    public string Latency(ServingSeries serving)
    {
        var plot = NewPlot();
        AddTimeLine(plot, serving.P50LatencyMs, ReferenceColor, "p50");
        AddTimeLine(plot, serving.P99LatencyMs, CurrentColor, "p99");
        plot.YLabel("latency (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, Height, "latency over time");
    }

    public string Traffic(ServingSeries serving)
    {
        var plot = NewPlot();
        AddTimeLine(plot, serving.Requests, ReferenceColor, "requests");
        var errors = AddTimeLine(plot, serving.ErrorRate, DriftColor, "error rate");
        errors.Axes.YAxis = plot.Axes.Right;
        plot.YLabel("requests per window");
        plot.Axes.Right.Label.Text = "error rate";
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, Height, "requests and error rate over time");
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    private static void AddBarPair(Plot plot, double referenceAt, double currentAt, double size, HistogramBin bin, bool horizontal) =>
        plot.Add.Bars(new[]
        {
            new Bar { Position = referenceAt, Value = bin.ReferenceShare, Size = size, FillColor = ReferenceColor, LineWidth = 0 },
            new Bar { Position = currentAt, Value = bin.CurrentShare, Size = size, FillColor = CurrentColor, LineWidth = 0 },
        }).Horizontal = horizontal;

    // Long categories are cut so the axis stays readable; the tables and the JSON keep them whole.
    private static string BinLabel(HistogramBin bin) => bin.Category switch
    {
        { Length: > MaxLabelLength } category => category[..(MaxLabelLength - 1)] + "…",
        { } category => category,
        null => bin.Lower is { } l ? l.ToString("G3", CultureInfo.InvariantCulture) : "?",
    };

    private static ScottPlot.Plottables.Scatter AddTimeLine(Plot plot, IReadOnlyList<TimePoint> points, Color color, string legend)
    {
        var line = plot.Add.Scatter(points.Select(p => X(p.At)).ToArray(), points.Select(p => p.Value).ToArray(), color);
        line.LegendText = legend;
        line.LineWidth = 2;
        line.MarkerSize = 5;
        var axis = plot.Axes.DateTimeTicksBottom();
        if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
        {
            ticks.LabelFormatter = TimeLabel;
        }
        return line;
    }

    private static ScottPlot.Plottables.HorizontalLine AddThreshold(Plot plot, double threshold)
    {
        var line = plot.Add.HorizontalLine(threshold, 1.5f, ThresholdColor, LinePattern.Dashed);
        line.LegendText = "threshold";
        // Autoscaling ignores lines across the plot; a threshold off the axis would say nothing.
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        var pad = Math.Max((limits.Top - limits.Bottom) * 0.05, Math.Abs(threshold) * 0.05 + 1e-9);
        plot.Axes.SetLimitsY(Math.Min(limits.Bottom, threshold - pad), Math.Max(limits.Top, threshold + pad));
        return line;
    }

    // Two lines, day over time, in ISO order: readable anywhere, unlike ScottPlot's default US date.
    private static string TimeLabel(DateTime at) => at.ToString(at.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "MM-dd\nHH:mm", CultureInfo.InvariantCulture);

    private static double X(DateTimeOffset at) => at.UtcDateTime.ToOADate();

    private string Render(Plot plot, int height, string label)
    {
        _count++;
        return SvgMarkup.Clean(plot.GetSvgXml(Width, height), Width, height, string.Create(CultureInfo.InvariantCulture, $"p{_count}-"), label);
    }
}
