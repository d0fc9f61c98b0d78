using Keel.Core.Monitoring.Statistics;
using Keel.Monitoring.Reports;
using static Keel.Monitoring.Tests.Reports.ReportSamples;

namespace Keel.Monitoring.Tests.Reports;

public sealed class MonitorReportBuilderTests
{
    private static readonly DateTimeOffset Now = Start.AddDays(2);

    [Fact]
    public void Build_SeveralRuns_SummarizesTheLatestRun()
    {
        var runs = new[]
        {
            Run(1, [Numeric("age", 0.6, false), Categorical("plan", 0.02, false, "basic", "pro")], Quality(0.91, 0.88)),
            Run(2, [Numeric("age", 0.001, true, shift: 0.2), Categorical("plan", 0.3, true, "basic", "pro", "team")], Quality(0.84, 0.80)),
        };

        var report = MonitorReportBuilder.Build(Query(), runs, null, Now);

        Assert.Equal(2, report.RunCount);
        Assert.Null(report.EmptyReason);
        var section = Assert.Single(report.Monitors);
        Assert.Equal(MonitorName, section.Monitor);
        Assert.Equal(Start.AddHours(1), section.FirstRunAt);
        var latest = section.Latest;
        Assert.Equal(Start.AddHours(2), latest.RunAt);
        Assert.Equal("dataset churn-train v3", latest.Reference);
        Assert.Equal(1.0, latest.Drift!.DriftedShare);
        Assert.True(latest.Drift.DatasetDrift);
        Assert.Equal(2, latest.Drift.DriftedFeatures);
        var age = latest.Drift.Features[0];
        Assert.Equal(("age", "numeric", "ks", 0.001, 0.05, true), (age.Feature, age.Kind, age.Method, age.PValue!.Value, age.Threshold, age.Drifted));
        Assert.Equal(0.3, age.Score!.Value, 12);
        var plan = latest.Drift.Features[1];
        Assert.Equal(("plan", "categorical", "jensenshannon", 0.3, true), (plan.Feature, plan.Kind, plan.Method, plan.Score!.Value, plan.Drifted));
        Assert.Null(plan.PValue);
        var quality = latest.Quality!;
        Assert.Equal(("classification", 80), (quality.Task, quality.LabelledRows));
        Assert.Equal(["accuracy", "f1", "roc_auc"], quality.Metrics.Select(m => m.Metric));
        Assert.Equal(0.84, quality.Metrics[0].Current);
        Assert.Equal(0.93, quality.Metrics[0].Baseline);
        Assert.Equal(0.84 - 0.93, quality.Metrics[0].Change!.Value, 12);
        Assert.Null(quality.Metrics[1].Baseline);
        Assert.Null(quality.Metrics[1].Change);
        Assert.Null(quality.Metrics[2].Current);
        Assert.Equal(102, latest.Serving.Requests);
        Assert.Equal(14, latest.Serving.P99LatencyMs);
    }

    [Fact]
    public void Build_SeveralRuns_GivesTimeSeriesOldestFirst()
    {
        var runs = new[]
        {
            Run(3, [Numeric("age", 0.001, true), Categorical("plan", 0.3, true, "basic", "pro")], Quality(0.84, 0.8)),
            Run(1, [Numeric("age", 0.6, false), Categorical("plan", 0.02, false, "basic", "pro")], Quality(0.91, 0.88)),
            Run(2, [Numeric("age", 0.2, false), Categorical("plan", 0.05, false, "basic", "pro")]),
        };

        var section = Assert.Single(MonitorReportBuilder.Build(Query(), runs, null, Now).Monitors);

        Assert.Equal(["age", "plan"], section.DriftScores.Select(s => s.Feature));
        var age = section.DriftScores[0];
        Assert.Equal(("ks", "p_value", 0.05), (age.Method, age.Measure, age.Threshold));
        Assert.Equal([0.6, 0.2, 0.001], age.Points.Select(p => p.Value));
        Assert.Equal([false, false, true], age.Points.Select(p => p.Drifted));
        Assert.Equal([Start.AddHours(1), Start.AddHours(2), Start.AddHours(3)], age.Points.Select(p => p.At));
        var plan = section.DriftScores[1];
        Assert.Equal(("jensenshannon", "score", 0.1), (plan.Method, plan.Measure, plan.Threshold));
        Assert.Equal([0.02, 0.05, 0.3], plan.Points.Select(p => p.Value));
        Assert.Equal([0.0, 0.0, 1.0], section.DriftedShare.Select(p => p.Value));
        var accuracy = section.Quality.Single(q => q.Metric == "accuracy");
        Assert.Equal(0.93, accuracy.Baseline);
        Assert.Equal([0.91, 0.84], accuracy.Points.Select(p => p.Value));
        Assert.Equal([Start.AddHours(1), Start.AddHours(3)], accuracy.Points.Select(p => p.At));
        Assert.Null(section.Quality.Single(q => q.Metric == "f1").Baseline);
        Assert.Equal([101.0, 102.0, 103.0], section.Serving.Requests.Select(p => p.Value));
        Assert.Equal([13.0, 14.0, 15.0], section.Serving.P99LatencyMs.Select(p => p.Value));
        Assert.Equal([1 / 101.0, 2 / 102.0, 0.0], section.Serving.ErrorRate.Select(p => p.Value));
    }

    [Fact]
    public void Build_FeatureInSomeRunsOnly_LeavesGapsAndKeepsItsLastHistogram()
    {
        var runs = new[]
        {
            Run(1, [Numeric("age", 0.5, false), Numeric("tenure", 0.4, false, shift: 0.1)]),
            Run(2, [Numeric("age", 0.3, false)]),
            Run(3, [Numeric("age", 0.2, false) with { Histogram = [] }, Numeric("income", 0.01, true)]),
        };

        var section = Assert.Single(MonitorReportBuilder.Build(Query(), runs, null, Now).Monitors);

        Assert.Equal(["age", "income", "tenure"], section.DriftScores.Select(s => s.Feature));
        Assert.Equal([Start.AddHours(1)], section.DriftScores.Single(s => s.Feature == "tenure").Points.Select(p => p.At));
        Assert.Equal([Start.AddHours(3)], section.DriftScores.Single(s => s.Feature == "income").Points.Select(p => p.At));
        // The newest run had no histogram for age, so the one before it supplies it.
        Assert.Equal(["income", "age", "tenure"], section.Histograms.Select(h => h.Feature));
        Assert.Equal(Start.AddHours(2), section.Histograms.Single(h => h.Feature == "age").RunAt);
        Assert.Equal(Start.AddHours(1), section.Histograms.Single(h => h.Feature == "tenure").RunAt);
        Assert.Equal(0.1 + 0.1 / 4, section.Histograms.Single(h => h.Feature == "tenure").Bins[0].CurrentShare, 12);
    }

    [Fact]
    public void Build_NoResultsInRange_SaysSoInsteadOfThrowing()
    {
        var report = MonitorReportBuilder.Build(Query(monitor: "nightly", fromHour: 10, toHour: 20), [Run(1, [Numeric("age", 0.5, false)])], [], Now);

        Assert.Equal(0, report.RunCount);
        Assert.Empty(report.Monitors);
        Assert.Empty(report.Alerts);
        Assert.Equal("No monitor runs in this range: the monitor nightly ran between 2025-03-01 10:00:00Z and 2025-03-01 20:00:00Z.", report.EmptyReason);
        Assert.Equal(Now, report.GeneratedAt);
    }

    [Fact]
    public void Build_RunsWithProblems_ListsThemAndLeavesGapsInTheSeries()
    {
        var runs = new[]
        {
            Run(1, [Numeric("age", 0.5, false), Numeric("income", 0.3, false)]),
            Run(2, null, problem: "the window held no logged predictions"),
            Run(3, [Numeric("age", 0.4, false), Failed("income", "every value of income was missing in the window")]),
        };

        var section = Assert.Single(MonitorReportBuilder.Build(Query(), runs, null, Now).Monitors);

        Assert.Equal([new RunProblem(Start.AddHours(2), "the window held no logged predictions")], section.Problems);
        Assert.Equal([Start.AddHours(1), Start.AddHours(3)], section.DriftedShare.Select(p => p.At));
        Assert.Equal([Start.AddHours(1)], section.DriftScores.Single(s => s.Feature == "income").Points.Select(p => p.At));
        var income = section.Latest.Drift!.Features.Single(f => f.Feature == "income");
        Assert.Equal("every value of income was missing in the window", income.Problem);
        Assert.Null(income.Score);
        Assert.Equal(3, section.Serving.Requests.Count);
        Assert.Equal(section.Histograms.Single(h => h.Feature == "income").RunAt, Start.AddHours(1));
    }

    [Fact]
    public void Build_IgnoresOtherDeploymentsOtherMonitorsAndRunsOutsideTheRange()
    {
        var runs = new[]
        {
            Run(1, [Numeric("age", 0.5, false)]),
            Run(2, [Numeric("age", 0.5, false)], deployment: "fraud"),
            Run(3, [Numeric("age", 0.5, false)], monitor: "other"),
            Run(30, [Numeric("age", 0.5, false)]),
            Run(24, [Numeric("age", 0.5, false)]), // the range's end is exclusive
        };

        var report = MonitorReportBuilder.Build(Query(monitor: MonitorName), runs, null, Now);

        Assert.Equal(1, report.RunCount);
        Assert.Equal(Start.AddHours(1), Assert.Single(report.Monitors).Latest.RunAt);
    }

    [Fact]
    public void Build_SeveralMonitors_GivesOneSectionEachByName()
    {
        var runs = new[] { Run(2, [Numeric("age", 0.5, false)], monitor: "zeta"), Run(1, [Numeric("age", 0.5, false)], monitor: "alpha") };

        var report = MonitorReportBuilder.Build(Query(), runs, null, Now);

        Assert.Equal(["alpha", "zeta"], report.Monitors.Select(m => m.Monitor));
        Assert.Null(report.Monitor);
    }

    [Fact]
    public void Build_AlertEventsGiven_KeepsThoseInRangeNewestFirst()
    {
        var events = new[] { Alert(2), Alert(5, rule: "latency"), Alert(30), Alert(3, deployment: "fraud"), Alert(4, monitor: "other") };

        var report = MonitorReportBuilder.Build(Query(monitor: MonitorName), [Run(1, [Numeric("age", 0.5, false)])], events, Now);

        Assert.Equal([Start.AddHours(5), Start.AddHours(2)], report.Alerts.Select(a => a.FiredAt));
        Assert.Equal(("latency", "drift", 0.67, 0.5), (report.Alerts[0].Rule, report.Alerts[0].Kind, report.Alerts[0].Value, report.Alerts[0].Threshold));
    }

    [Fact]
    public void Build_NoAlertEventsGiven_TakesTheAlertsTheRunsFiredOnce()
    {
        var fired = Alert(2);
        var runs = new[] { Run(2, [Numeric("age", 0.01, true)], alerts: [fired]), Run(3, [Numeric("age", 0.01, true)], alerts: [fired]) };

        var report = MonitorReportBuilder.Build(Query(), runs, alertEvents: null, Now);

        Assert.Equal(fired.Message, Assert.Single(report.Alerts).Message);
    }

    [Fact]
    public void Build_NonFiniteScores_AreLeftOutOfTheSeriesButKeptInTheSummary()
    {
        var infinite = new FeatureDriftResult("plan", FeatureKind.Categorical, DriftMethod.KullbackLeibler, double.PositiveInfinity, null, 0.1, true, 5, 5, null, []);

        var section = Assert.Single(MonitorReportBuilder.Build(Query(), [Run(1, [infinite, Numeric("age", 0.5, false)])], null, Now).Monitors);

        Assert.Equal(["age"], section.DriftScores.Select(s => s.Feature));
        Assert.Equal(double.PositiveInfinity, section.Latest.Drift!.Features[0].Score);
        Assert.Equal("kl_div", section.Latest.Drift.Features[0].Method);
    }
}
