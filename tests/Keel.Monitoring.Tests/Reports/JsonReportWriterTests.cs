using System.Text.Json;
using Keel.Core.Monitoring.Statistics;
using Keel.Monitoring.Reports;
using static Keel.Monitoring.Tests.Reports.ReportSamples;

namespace Keel.Monitoring.Tests.Reports;

public sealed class JsonReportWriterTests
{
    [Fact]
    public void Write_Report_UsesSnakeCaseNamesAndIsoTimes()
    {
        var report = MonitorReportBuilder.Build(Query(), [Run(1, [Numeric("age", 0.01, true)], Quality(0.9, 0.8), alerts: [Alert(1)])], null, Start.AddDays(1));

        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));

        var root = json.RootElement;
        Assert.Equal("churn", root.GetProperty("deployment").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("monitor").ValueKind);
        Assert.Equal("2025-03-01T00:00:00+00:00", root.GetProperty("since").GetString());
        Assert.Equal(1, root.GetProperty("run_count").GetInt32());
        var section = root.GetProperty("monitors")[0];
        var feature = section.GetProperty("latest").GetProperty("drift").GetProperty("features")[0];
        Assert.Equal(0.01, feature.GetProperty("p_value").GetDouble());
        Assert.Equal("ks", feature.GetProperty("method").GetString());
        Assert.Equal(1.0, section.GetProperty("latest").GetProperty("drift").GetProperty("drifted_share").GetDouble());
        Assert.Equal(13.0, section.GetProperty("latest").GetProperty("serving").GetProperty("p99_latency_ms").GetDouble());
        Assert.Equal("p_value", section.GetProperty("drift_scores")[0].GetProperty("measure").GetString());
        Assert.Equal(0.2, section.GetProperty("histograms")[0].GetProperty("bins")[0].GetProperty("reference_share").GetDouble());
        Assert.Equal("drift", root.GetProperty("alerts")[0].GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("empty_reason").ValueKind);
    }

    [Fact]
    public void Write_NonFiniteScore_IsWrittenAsAStringInsteadOfFailing()
    {
        var feature = new FeatureDriftResult("plan", FeatureKind.Categorical, DriftMethod.KullbackLeibler, double.PositiveInfinity, null, 0.1, true, 5, 5, null, []);
        var report = MonitorReportBuilder.Build(Query(), [Run(1, [feature])], null, Start.AddDays(1));

        var text = JsonReportWriter.Write(report);

        Assert.Contains("\"score\": \"Infinity\"", text, StringComparison.Ordinal);
        Assert.Equal(double.PositiveInfinity, JsonReportWriter.Read(text).Monitors[0].Latest.Drift!.Features[0].Score);
    }

    [Fact]
    public async Task WriteAsync_ThenRead_GivesTheSameReport()
    {
        var report = HtmlReportWriterTests.HostileReport();
        using var stream = new MemoryStream();

        await JsonReportWriter.WriteAsync(report, stream, TestContext.Current.CancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Equal(JsonReportWriter.Write(report), text);
        Assert.Equal(text, JsonReportWriter.Write(JsonReportWriter.Read(text)));
        Assert.Equal(HtmlReportWriterTests.HostileFeature, JsonReportWriter.Read(text).Monitors.Single(m => m.Monitor == MonitorName).Latest.Drift!.Features[1].Feature);
    }

    [Fact]
    public void Write_EmptyReport_CarriesTheReason()
    {
        var report = MonitorReportBuilder.Build(Query(), [], [], Start);

        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));

        Assert.StartsWith("No monitor runs in this range", json.RootElement.GetProperty("empty_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("monitors").GetArrayLength());
    }
}
