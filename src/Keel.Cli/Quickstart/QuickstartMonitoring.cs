using Keel.Client;
using Keel.Contracts.KeelApi;

namespace Keel.Cli.Quickstart;

/// <summary>What the quickstart's monitor found: before and after the drifted traffic, the alerts, and the report files.</summary>
internal sealed record MonitorOutcome(
    string Monitor, MonitorResultDto Normal, MonitorResultDto Drifted, IReadOnlyList<AlertEventDto> Alerts, string ReportPath, string ReportJsonPath);

/// <summary>
/// Watches the champion's traffic the way a team would: a monitor against the dataset version that trained it (found
/// through lineage), run once over the normal traffic and once after the drifted traffic, with a drift alert rule,
/// then an HTML report of both runs.
/// </summary>
internal static class QuickstartMonitoring
{
    public static string MonitorName(Champion champion) => champion.ModelName + "-drift";

    public static async Task<MonitorOutcome> RunAsync(
        KeelClient client, Champion champion, QuickstartTrafficSent traffic, Uri? webhook, string reportDirectory, TimeProvider time, CancellationToken ct)
    {
        await client.LogLabelsAsync(champion.ModelName, traffic.Labels, ct);
        var name = MonitorName(champion);
        var spec = new MonitorSpecDto
        {
            Name = name,
            Deployment = champion.ModelName,
            Reference = new MonitorReferenceDto { Kind = "training_data" },
            Window = "1h",
            Task = "classification",
            PredictionOutput = "PredictedLabel",
            ScoreOutput = "Probability",
            Alerts =
            [
                new AlertRuleDto { Name = "dataset-drift", Kind = "drift" },
                new AlertRuleDto { Name = "accuracy", Kind = "quality", Metric = "accuracy", Threshold = 0.8 },
            ],
            Webhooks = webhook is null ? [] : [webhook.AbsoluteUri],
        };
        // A second quickstart over the same data dir finds the monitor of the first and updates it.
        if ((await client.ListMonitorsAsync(champion.ModelName, ct)).Any(m => m.Name == name))
        {
            await client.UpdateMonitorAsync(name, spec, ct);
        }
        else
        {
            await client.CreateMonitorAsync(spec, ct);
        }

        var started = time.GetUtcNow();
        var normal = await client.RunMonitorAsync(name, traffic.NormalEnded, ct);
        var drifted = await client.RunMonitorAsync(name, time.GetUtcNow(), ct);

        Directory.CreateDirectory(reportDirectory);
        var html = Path.Combine(reportDirectory, name + ".html");
        var json = Path.ChangeExtension(html, ".json");
        foreach (var (path, format) in new[] { (html, "html"), (json, "json") })
        {
            await using var file = File.Create(path);
            await client.DownloadMonitorReportAsync(champion.ModelName, started.AddHours(-1), time.GetUtcNow().AddSeconds(1), format, file, name, ct);
        }

        return new MonitorOutcome(name, normal, drifted, drifted.Alerts, html, json);
    }
}
