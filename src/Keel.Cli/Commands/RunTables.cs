using Keel.Cli.Output;
using Keel.Contracts.Mlflow;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>How runs read in a terminal: the list, one run in full, and a side-by-side comparison.</summary>
internal static class RunTables
{
    private const int ListedParams = 4;
    private const int ListedMetrics = 4;

    public static void WriteList(CliOutput output, IReadOnlyList<RunDto> runs, IReadOnlyList<ExperimentDto> experiments, IReadOnlyList<string> orderBy)
    {
        if (runs.Count == 0)
        {
            output.Line("No runs.");
            return;
        }

        var showExperiment = experiments.Count > 1;
        var experimentNames = experiments.ToDictionary(e => e.ExperimentId, e => e.Name, StringComparer.Ordinal);
        var paramKeys = PickKeys(runs, r => r.Data.Params.Select(p => (p.Key, p.Value)), SortKeys(orderBy, "param"), ListedParams);
        var metricKeys = PickKeys(runs, r => r.Data.Metrics.Select(m => (m.Key, m.Value)), SortKeys(orderBy, "metric"), ListedMetrics);

        var table = new Table()
            .AddColumn(new TableColumn("Run ID").NoWrap())
            .AddColumn(new TableColumn("Name").NoWrap());
        if (showExperiment)
        {
            table.AddColumn("Experiment");
        }

        table.AddColumn(new TableColumn("Status").NoWrap())
            .AddColumn(new TableColumn("Start").NoWrap())
            .AddColumn(new TableColumn("Duration").NoWrap());
        foreach (var key in paramKeys)
        {
            table.AddColumn(new TableColumn($"{Markup.Escape(key)}\n[dim]param[/]"));
        }

        foreach (var key in metricKeys)
        {
            table.AddColumn(new TableColumn($"{Markup.Escape(key)}\n[dim]metric[/]").RightAligned());
        }

        foreach (var run in runs)
        {
            var cells = new List<string> { Markup.Escape(run.Info.RunId), Markup.Escape(run.Info.RunName ?? "") };
            if (showExperiment)
            {
                cells.Add(Markup.Escape(experimentNames.GetValueOrDefault(run.Info.ExperimentId, run.Info.ExperimentId)));
            }

            cells.Add(Status(run.Info.Status));
            cells.Add(Format.Timestamp(run.Info.StartTime, output.Time, withSeconds: false));
            cells.Add(Format.RunDuration(run.Info.StartTime, run.Info.EndTime, output.Time));
            cells.AddRange(paramKeys.Select(k => Markup.Escape(run.Data.Params.FirstOrDefault(p => p.Key == k)?.Value ?? "")));
            cells.AddRange(metricKeys.Select(k => run.Data.Metrics.FirstOrDefault(m => m.Key == k) is { } m ? Format.Number(m.Value) : ""));
            table.AddRow([.. cells]);
        }

        output.Write(table);
        output.Line($"{runs.Count} run(s).");
    }

    public static void WriteRun(CliOutput output, RunDto run, ExperimentDto experiment)
    {
        var info = run.Info;
        var summary = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        summary.AddRow("[bold]Run[/]", $"{Markup.Escape(info.RunId)} [bold]{Markup.Escape(info.RunName ?? "")}[/]");
        summary.AddRow("Experiment", $"{Markup.Escape(experiment.Name)} ({Markup.Escape(info.ExperimentId)})");
        summary.AddRow("Status", Status(info.Status) + (info.LifecycleStage == "active" ? "" : $" ({Markup.Escape(info.LifecycleStage)})"));
        summary.AddRow("Start", Format.Timestamp(info.StartTime, output.Time));
        summary.AddRow("End", Format.Timestamp(info.EndTime, output.Time));
        summary.AddRow("Duration", Format.RunDuration(info.StartTime, info.EndTime, output.Time));
        summary.AddRow("User", Markup.Escape(info.UserId ?? ""));
        summary.AddRow("Artifacts", Markup.Escape(info.ArtifactUri ?? ""));
        output.Write(summary);

        output.Section("Params", run.Data.Params.Count, () =>
        {
            var table = new Table().AddColumns("Key", "Value");
            foreach (var p in run.Data.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(p.Key), Markup.Escape(p.Value));
            }

            return table;
        });
        output.Section("Metrics (latest)", run.Data.Metrics.Count, () =>
        {
            var table = new Table().AddColumns("Key", "Value", "Step", "Logged");
            table.Columns[1].RightAligned();
            table.Columns[2].RightAligned();
            foreach (var m in run.Data.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(m.Key), Format.Number(m.Value), Format.Integer(m.Step), Format.Timestamp(m.Timestamp, output.Time));
            }

            return table;
        });
        output.Section("Tags", run.Data.Tags.Count, () =>
        {
            var table = new Table().AddColumns("Key", "Value");
            foreach (var t in run.Data.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(t.Key), Markup.Escape(t.Value));
            }

            return table;
        });
        output.Section("Inputs", run.Inputs.DatasetInputs.Count, () =>
        {
            var table = new Table().AddColumns("Dataset", "Digest", "Context", "Source type", "Source");
            foreach (var input in run.Inputs.DatasetInputs)
            {
                var context = input.Tags?.FirstOrDefault(t => t.Key == "mlflow.data.context")?.Value ?? "";
                table.AddRow(
                    Markup.Escape(input.Dataset?.Name ?? ""),
                    Markup.Escape(input.Dataset?.Digest ?? ""),
                    Markup.Escape(context),
                    Markup.Escape(input.Dataset?.SourceType ?? ""),
                    Markup.Escape(input.Dataset?.Source ?? ""));
            }

            return table;
        });
    }

    public static void WriteComparison(CliOutput output, RunComparison comparison)
    {
        var runs = comparison.Runs;
        var table = new Table().AddColumn(new TableColumn(" ").NoWrap()).AddColumn("Key");
        foreach (var run in runs)
        {
            table.AddColumn(new TableColumn($"{Markup.Escape(run.Info.RunName ?? "")}\n[dim]{Markup.Escape(run.Info.RunId)}[/]").RightAligned());
        }

        table.AddRow(["", "[bold]status[/]", .. runs.Select(r => Status(r.Info.Status))]);
        AddRows(table, "params", comparison.Params, v => v ?? "");
        AddRows(table, "metrics", comparison.Metrics, v => v is { } d ? Format.Number(d) : "");
        output.Write(table);
        var differing = comparison.Params.Count(r => r.Differs) + comparison.Metrics.Count(r => r.Differs);
        output.Line($"* marks the {differing} row(s) whose values differ.");
    }

    private static void AddRows<T>(Table table, string section, IReadOnlyList<ComparisonRow<T>> rows, Func<T?, string> text)
    {
        if (rows.Count == 0)
        {
            return;
        }

        table.AddEmptyRow();
        table.AddRow(["", $"[bold underline]{section}[/]", .. Enumerable.Repeat("", table.Columns.Count - 2)]);
        foreach (var row in rows)
        {
            // The * keeps differences visible where colours are off (pipes, logs).
            var style = row.Differs ? "yellow bold" : "default";
            table.AddRow([
                row.Differs ? "[yellow bold]*[/]" : "",
                $"[{style}]{Markup.Escape(row.Key)}[/]",
                .. row.Values.Select(v => $"[{style}]{Markup.Escape(text(v))}[/]"),
            ]);
        }
    }

    private static string Status(string status) => status switch
    {
        "FINISHED" => "[green]FINISHED[/]",
        "FAILED" => "[red]FAILED[/]",
        "KILLED" => "[yellow]KILLED[/]",
        "RUNNING" => "[blue]RUNNING[/]",
        _ => Markup.Escape(status),
    };

    /// <summary>
    /// Keys named in <c>--order-by</c> first, then those most runs have, alphabetically among equals. With several
    /// runs, a key whose value is the same in all of them says nothing about the differences and is left out.
    /// </summary>
    private static List<string> PickKeys<T>(IReadOnlyList<RunDto> runs, Func<RunDto, IEnumerable<(string Key, T Value)>> entries, List<string> preferred, int max)
    {
        var values = runs.SelectMany(run => entries(run).DistinctBy(e => e.Key))
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToList(), StringComparer.Ordinal);
        var picked = preferred.Where(values.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        picked.AddRange(values.Keys
            .Where(k => !picked.Contains(k, StringComparer.Ordinal))
            .Where(k => runs.Count == 1 || values[k].Count < runs.Count || values[k].Distinct().Skip(1).Any())
            .OrderByDescending(k => values[k].Count)
            .ThenBy(k => k, StringComparer.Ordinal));
        return [.. picked.Take(Math.Max(max, preferred.Count))];
    }

    /// <summary>The metric or param keys an MLflow order-by clause sorts on ("metrics.auc DESC", "params.`lr`").</summary>
    private static List<string> SortKeys(IEnumerable<string> orderBy, string entity)
    {
        var keys = new List<string>();
        foreach (var clause in orderBy)
        {
            var text = clause.Trim();
            foreach (var prefix in new[] { entity + "s.", entity + "." })
            {
                if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    var key = text[prefix.Length..];
                    key = key.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase) || key.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)
                        ? key[..key.LastIndexOf(' ')]
                        : key;
                    keys.Add(key.Trim().Trim('`', '"', '\''));
                    break;
                }
            }
        }

        return keys;
    }
}
