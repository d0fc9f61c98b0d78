using System.Globalization;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>How monitors, their results and alerts read in a terminal; what drifted is said first, in words.</summary>
internal static class MonitorTables
{
    public static void WriteMonitor(CliOutput output, MonitorDto monitor)
    {
        var spec = monitor.Spec;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow("[bold]Monitor[/]", $"[bold]{Markup.Escape(monitor.Name)}[/]");
        grid.AddRow("Deployment", Markup.Escape(monitor.Deployment));
        grid.AddRow("Reference", Markup.Escape(Reference(spec.Reference)));
        grid.AddRow("Window", Markup.Escape(spec.Window ?? ""));
        grid.AddRow("Schedule", Markup.Escape(spec.Schedule is { } cron ? $"{cron} (UTC)" : "on demand only"));
        grid.AddRow("Next run", spec.Schedule is null ? "" : Format.Timestamp(monitor.NextRunAt, output.Time));
        grid.AddRow("Features", Markup.Escape(spec.Features.Count == 0 ? "every input the log and the reference share" : string.Join(", ", spec.Features)));
        grid.AddRow("Dataset drift at", Markup.Escape($"≥ {Share(spec.DriftShareThreshold ?? 0.5)} of features drifted"));
        grid.AddRow("Alerts", Markup.Escape(spec.Alerts.Count == 0 ? "none" : string.Join(", ", spec.Alerts.Select(Rule))));
        grid.AddRow("Webhooks", Markup.Escape(spec.Webhooks.Count == 0 ? "none" : string.Join(", ", spec.Webhooks)));
        output.Write(grid);
    }

    public static void WriteList(CliOutput output, IReadOnlyList<MonitorDto> monitors)
    {
        if (monitors.Count == 0)
        {
            output.Line("No monitors.");
            return;
        }
        var table = new Table()
            .AddColumn(new TableColumn("Name").NoWrap())
            .AddColumn("Deployment")
            .AddColumn("Reference")
            .AddColumn("Window")
            .AddColumn("Schedule")
            .AddColumn(new TableColumn("Next run").NoWrap());
        foreach (var monitor in monitors)
        {
            table.AddRow(Markup.Escape(monitor.Name), Markup.Escape(monitor.Deployment), Markup.Escape(Reference(monitor.Spec.Reference)),
                Markup.Escape(monitor.Spec.Window ?? ""), Markup.Escape(monitor.Spec.Schedule ?? "on demand"), Format.Timestamp(monitor.NextRunAt, output.Time));
        }
        output.Write(table);
        output.Line($"{monitors.Count} monitor(s).");
    }

    /// <summary>One run: the verdict in a sentence, then the features, quality, serving health and (unless told not to) the alerts it fired.</summary>
    public static void WriteResult(CliOutput output, MonitorResultDto result, bool withAlerts = true)
    {
        output.MarkupLine(
            $"[bold]Monitor {Markup.Escape(result.Monitor)}[/] · deployment {Markup.Escape(result.Deployment)} · window "
            + $"{Format.Timestamp(result.WindowStart, output.Time)} → {Format.Timestamp(result.WindowEnd, output.Time)}");
        if (result.Reference.Length > 0)
        {
            output.Line($"Reference: {result.Reference} ({Format.Integer(result.ReferenceRows)} rows); current window: {Format.Integer(result.CurrentRows)} rows.");
        }
        if (result.Problem is { } problem)
        {
            output.MarkupLine($"[yellow]Problem:[/] {Markup.Escape(problem)}");
        }
        if (result.Drift is { } drift)
        {
            WriteDrift(output, drift);
        }
        WriteQuality(output, result.Quality);
        WriteServing(output, result.Serving);
        if (withAlerts)
        {
            WriteAlerts(output, "Alerts fired by this run", result.Alerts);
        }
    }

    public static void WriteAlerts(CliOutput output, string title, IReadOnlyList<AlertEventDto> alerts)
    {
        output.Section(title, alerts.Count, () =>
        {
            var table = new Table()
                .AddColumn(new TableColumn("Fired").NoWrap())
                .AddColumn("Monitor")
                .AddColumn("Rule")
                .AddColumn("Kind")
                .AddColumn("Message");
            foreach (var alert in alerts)
            {
                table.AddRow(Format.Timestamp(alert.FiredAt, output.Time), Markup.Escape(alert.Monitor), Markup.Escape(alert.Rule),
                    Markup.Escape(alert.Kind), $"[red]{Markup.Escape(alert.Message)}[/]");
            }
            return table;
        });
    }

    private static void WriteDrift(CliOutput output, DatasetDriftDto drift)
    {
        var computed = drift.Features.Where(f => f.Problem is null).ToList();
        var drifted = computed.Where(f => f.Drifted).Select(f => f.Feature).ToList();
        var verdict = $"{drifted.Count} of {computed.Count} features drifted (share {Share(drift.DriftedShare)} "
            + $"{(drift.DatasetDrift ? "≥" : "<")} {Share(drift.ShareThreshold)})";
        output.Line();
        output.MarkupLine(drift.DatasetDrift
            ? $"[bold red]DATASET DRIFT[/]: {Markup.Escape(verdict)}: {Markup.Escape(string.Join(", ", drifted))}."
            : drifted.Count > 0
                ? $"[bold]No dataset drift[/]: {Markup.Escape(verdict)}; drifted: {Markup.Escape(string.Join(", ", drifted))}."
                : $"[bold green]No drift[/]: {Markup.Escape(verdict)}.");
        output.Section("Features", drift.Features.Count, () =>
        {
            var table = new Table()
                .AddColumn("Feature")
                .AddColumn("Kind")
                .AddColumn("Method")
                .AddColumn(new TableColumn("Score").RightAligned())
                .AddColumn(new TableColumn("p-value").RightAligned())
                .AddColumn(new TableColumn("Threshold").RightAligned())
                .AddColumn("Drifted")
                .AddColumn(new TableColumn("Ref rows").RightAligned())
                .AddColumn(new TableColumn("Cur rows").RightAligned());
            foreach (var feature in drift.Features)
            {
                var verdictCell = feature.Problem is { } why ? $"[yellow]n/a[/] {Markup.Escape(why)}" : feature.Drifted ? "[bold red]DRIFTED[/]" : "[green]no[/]";
                table.AddRow(Markup.Escape(feature.Feature), feature.Kind, Markup.Escape(feature.Method), Optional(feature.Score), Optional(feature.PValue),
                    Format.Number(feature.Threshold), verdictCell, Format.Integer(feature.ReferenceCount), Format.Integer(feature.CurrentCount));
            }
            return table;
        });
    }

    private static void WriteQuality(CliOutput output, QualityDto? quality)
    {
        output.Line();
        if (quality is null)
        {
            output.MarkupLine("[bold]Quality[/]: no labelled predictions in the window.");
            return;
        }
        output.MarkupLine($"[bold]Quality[/] ({Markup.Escape(quality.Task)}, {Format.Integer(quality.LabelledRows)} labelled rows)");
        var table = new Table()
            .AddColumn("Metric")
            .AddColumn(new TableColumn("Current").RightAligned())
            .AddColumn(new TableColumn("Baseline").RightAligned())
            .AddColumn(new TableColumn("Change").RightAligned());
        foreach (var (metric, value) in quality.Current.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var baseline = quality.Baseline.TryGetValue(metric, out var recorded) ? recorded : (double?)null;
            table.AddRow(Markup.Escape(metric), Format.Number(value), Optional(baseline),
                baseline is { } b ? (value - b).ToString("+0.####;-0.####;0", CultureInfo.InvariantCulture) : "");
        }
        output.Write(table);
    }

    private static void WriteServing(CliOutput output, ServingStatsDto serving)
    {
        output.Line();
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"Serving: {serving.Requests} requests, {serving.Errors} errors ({serving.ErrorRate:0.##%}), latency p50 {Milliseconds(serving.P50LatencyMs)}, p99 {Milliseconds(serving.P99LatencyMs)}."));
    }

    private static string Reference(MonitorReferenceDto? reference) => reference?.Kind switch
    {
        "dataset" => $"dataset {reference.Dataset} v{reference.Version}",
        "traffic" => $"traffic {reference.Offset} earlier",
        _ => "training data (through lineage)",
    };

    private static string Rule(AlertRuleDto rule) => rule.Kind switch
    {
        "quality" => $"{rule.Name} ({rule.Metric} vs {Optional(rule.Threshold)})",
        "latency" => $"{rule.Name} (p99 > {Optional(rule.Threshold)} ms)",
        "error_rate" => $"{rule.Name} (error rate > {Optional(rule.Threshold)})",
        _ => $"{rule.Name} ({(rule.Feature is null ? "dataset drift" : $"drift of {rule.Feature}")})",
    };

    private static string Optional(double? value) => value is { } v ? Format.Number(v) : "";

    private static string Share(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Milliseconds(double? value) => value is { } ms ? ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "n/a";
}
