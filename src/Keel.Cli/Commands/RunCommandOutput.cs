using System.Collections.Concurrent;
using Keel.Cli.Output;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>How <c>keel run</c> shows progress: a live table on a terminal, <c>[stage] …</c> lines otherwise.</summary>
internal static class RunCommandOutput
{
    public static async Task RunAsync(CliOutput output, bool dryRun, Func<IPipelineRunObserver, Task> execute)
    {
        if (!output.ShowsLiveProgress || dryRun)
        {
            await execute(new LineObserver(output, dryRun));
            return;
        }
        var table = new LiveTable(output.Time);
        await output.Console.Live(table.Render()).AutoClear(false).StartAsync(async context =>
        {
            var run = execute(table);
            while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(250), output.Time)) != run)
            {
                context.UpdateTarget(table.Render());
            }
            context.UpdateTarget(table.Render());
            await run;
        });
        foreach (var failed in table.Failures)
        {
            output.Line($"[{failed.Stage}] failed: {failed.Reason}" + (failed.LogPath is { } log ? $" (log: {log})" : ""));
        }
    }

    public static void Summary(CliOutput output, PipelineRunReport report, bool dryRun)
    {
        if (dryRun)
        {
            var planned = report.Count(StageState.Planned);
            output.Line($"Dry run of {report.Pipeline}: {planned} of {report.Stages.Count} stages would run or be restored, {report.Count(StageState.Skipped)} up to date.");
            return;
        }
        var parts = new List<string>
        {
            $"{report.Count(StageState.Succeeded)} ran",
            $"{report.Count(StageState.Restored)} restored",
            $"{report.Count(StageState.Skipped)} up to date",
        };
        if (report.Count(StageState.Failed) > 0)
        {
            parts.Add($"{report.Count(StageState.Failed)} failed");
        }
        if (report.Count(StageState.Cancelled) > 0)
        {
            parts.Add($"{report.Count(StageState.Cancelled)} cancelled");
        }
        var tracked = report.TrackingRunId is { } id ? $"; tracking run {id}" : "";
        output.Line($"{(report.Succeeded ? "Pipeline" : "Pipeline FAILED:")} {report.Pipeline}: {string.Join(", ", parts)} in {Format.Duration(report.Duration)}{tracked}.");
    }

    internal static string Describe(StageDecision decision, bool dryRun) => decision.Kind switch
    {
        StageDecisionKind.Skip => "up to date",
        StageDecisionKind.Restore => (dryRun ? "would be restored from the run cache" : "restoring from the run cache") + Because(decision),
        _ => (dryRun ? "would run" : "running") + Because(decision),
    };

    private static string Because(StageDecision decision) => decision.Reasons.Count == 0 ? "" : ": " + string.Join("; ", decision.Reasons);

    /// <summary>Plain lines for logs and CI, one writer call per line so parallel stages never interleave within a line.</summary>
    private sealed class LineObserver(CliOutput output, bool dryRun) : IPipelineRunObserver
    {
        private readonly Lock _gate = new();

        public void StageDecided(StageDecision decision) => Write(decision.Stage, Describe(decision, dryRun));

        public void StageStarted(string stage)
        {
        }

        public void StageOutput(string stage, string line) => Write(stage, line);

        public void StageFinished(StageReport report)
        {
            switch (report.State)
            {
                case StageState.Succeeded:
                    Write(report.Stage, $"succeeded in {Format.Duration(report.Duration)}" + (report.Attempts > 1 ? $" after {report.Attempts} attempts" : ""));
                    break;
                case StageState.Restored:
                    Write(report.Stage, $"restored in {Format.Duration(report.Duration)}");
                    break;
                case StageState.Failed:
                    Write(report.Stage, $"failed: {report.Reason}" + (report.LogPath is { } log ? $" (log: {log})" : ""));
                    break;
                case StageState.Cancelled:
                    Write(report.Stage, $"cancelled: {report.Reason}");
                    break;
                default:
                    break;
            }
        }

        private void Write(string stage, string text)
        {
            lock (_gate)
            {
                output.Console.Profile.Out.Writer.WriteLine($"[{stage}] {text}");
            }
        }
    }

    /// <summary>The live table's rows, updated from stage threads and rendered by the refresh loop.</summary>
    private sealed class LiveTable(TimeProvider time) : IPipelineRunObserver
    {
        private readonly ConcurrentDictionary<string, Row> _rows = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _order = new();
        private readonly ConcurrentQueue<StageReport> _failures = new();

        public IEnumerable<StageReport> Failures => _failures;

        public void StageDecided(StageDecision decision) =>
            Upsert(decision.Stage, r => r with { State = decision.Kind == StageDecisionKind.Skip ? "up to date" : decision.Kind == StageDecisionKind.Restore ? "restoring" : "starting", Reason = string.Join("; ", decision.Reasons) });

        public void StageStarted(string stage) => Upsert(stage, r => r with { State = "running", Started = time.GetTimestamp() });

        public void StageOutput(string stage, string line) => Upsert(stage, r => r with { LastLine = line });

        public void StageFinished(StageReport report)
        {
            if (report.State == StageState.Failed)
            {
                _failures.Enqueue(report);
            }
            Upsert(report.Stage, r => r with
            {
                State = report.State switch
                {
                    StageState.Succeeded => "[green]succeeded[/]",
                    StageState.Restored => "[green]restored[/]",
                    StageState.Skipped => "[grey]up to date[/]",
                    StageState.Failed => "[red]failed[/]",
                    StageState.Cancelled => "[yellow]cancelled[/]",
                    _ => report.State.ToString(),
                },
                Duration = report.Duration,
                Started = null,
                Reason = report.Reason,
            });
        }

        public Table Render()
        {
            var table = new Table().AddColumns("stage", "state", "duration", "reason");
            foreach (var name in _order)
            {
                var row = _rows[name];
                var duration = row.Started is { } started ? time.GetElapsedTime(started) : row.Duration;
                var detail = row.Started is not null && row.LastLine is { } line ? line : row.Reason;
                table.AddRow(Markup.Escape(name), row.State.StartsWith('[') ? row.State : Markup.Escape(row.State), Format.Duration(duration), Markup.Escape(Clip(detail)));
            }
            return table;
        }

        private void Upsert(string stage, Func<Row, Row> change)
        {
            if (_rows.TryAdd(stage, new Row("pending", "", TimeSpan.Zero, null, null)))
            {
                _order.Enqueue(stage);
            }
            _rows.AddOrUpdate(stage, _ => change(new Row("pending", "", TimeSpan.Zero, null, null)), (_, row) => change(row));
        }

        private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";

        private sealed record Row(string State, string Reason, TimeSpan Duration, long? Started, string? LastLine);
    }
}
