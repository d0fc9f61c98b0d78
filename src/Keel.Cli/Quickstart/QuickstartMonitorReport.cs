using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Quickstart;

/// <summary>Prints what the quickstart's monitor saw: normal traffic, drifted traffic, the alerts, and the report's path.</summary>
internal static class QuickstartMonitorReport
{
    public static void Write(CliOutput output, MonitorOutcome outcome)
    {
        output.Line();
        output.MarkupLine($"[bold]Monitored[/] the traffic with monitor [green]{Markup.Escape(outcome.Monitor)}[/] against {Markup.Escape(outcome.Drifted.Reference)}:");
        Describe(output, "normal traffic", outcome.Normal);
        Describe(output, "with drifted traffic", outcome.Drifted);
        if (outcome.Drifted.Drift is { } drift)
        {
            var table = new Table().Title("Most drifted features (latest run)").AddColumns("Feature", "Method", "Score", "Threshold", "Drifted");
            table.Columns[2].RightAligned();
            table.Columns[3].RightAligned();
            foreach (var feature in drift.Features.Where(f => f.Problem is null).OrderByDescending(f => f.Drifted).ThenBy(f => f.Score).Take(5))
            {
                table.AddRow(Markup.Escape(feature.Feature), Markup.Escape(feature.Method), Format.Number(feature.Score ?? double.NaN),
                    Format.Number(feature.Threshold), feature.Drifted ? "[red]yes[/]" : "no");
            }

            output.Write(table);
        }

        foreach (var alert in outcome.Alerts)
        {
            output.MarkupLine($"[red bold]ALERT[/] {Markup.Escape(alert.Rule)}: {Markup.Escape(alert.Message)}");
        }

        if (outcome.Alerts.Count == 0)
        {
            output.Line("No alert fired.");
        }

        output.Line($"Monitoring report: {outcome.ReportPath} (data: {outcome.ReportJsonPath})");
    }

    private static void Describe(CliOutput output, string label, MonitorResultDto result)
    {
        var drift = result.Drift is { } d
            ? $"{d.Features.Count(f => f.Drifted)} of {d.Features.Count(f => f.Problem is null)} features drifted (share {Format.Number(d.DriftedShare)}), dataset drift {(d.DatasetDrift ? "YES" : "no")}"
            : $"no drift computed: {result.Problem}";
        var quality = result.Quality is { } q && q.Current.TryGetValue("accuracy", out var accuracy)
            ? $"; accuracy {Format.Number(accuracy)} on {q.LabelledRows} labelled rows" + (q.Baseline.TryGetValue("accuracy", out var baseline) ? $" (at registration {Format.Number(baseline)})" : "")
            : "";
        output.Line($"  {label,-22} {result.CurrentRows} rows: {drift}{quality}");
    }
}
