using System.CommandLine;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel pipelines trigger|runs|logs</c>: starting runs and reading their history.</summary>
internal static partial class PipelinesCommands
{
    /// <summary>How often <c>trigger --wait</c> asks the server about the run.</summary>
    internal static readonly TimeSpan WaitPollInterval = TimeSpan.FromMilliseconds(500);

    private static Command Trigger(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Pipeline name" };
        var set = new Option<string[]>("--set", "-S") { Description = "Override a param for this run: key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it ends, printing stage changes; exit 1 when it failed" };
        var user = new Option<string?>("--user") { Description = "Who triggers it [default: $KEEL_USER, else the OS user name]" };
        var command = new Command("trigger", "Start a run of a registered pipeline") { name, set, wait, user };
        options.SetAction(command, host, async (call, ct) =>
        {
            var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in call.Parse.GetValue(set) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new CliException($"invalid --set '{pair}': expected key=value", ExitCodes.Usage);
                }
                overrides[pair[..equals]] = pair[(equals + 1)..];
            }
            var who = call.Parse.GetValue(user) ?? host.Variable("KEEL_USER") ?? Environment.UserName;
            var run = await call.Client.TriggerPipelineAsync(call.Parse.GetRequiredValue(name), overrides, who, ct);
            if (!call.Parse.GetValue(wait))
            {
                if (call.Output.IsJson)
                {
                    WriteJson(call.Output, run, PipelineJsonContext.Default.PipelineRunDto);
                    return;
                }
                call.Output.Line($"Started run {run.Id} of pipeline '{run.Pipeline}': {Plural(run.Stages?.Length ?? 0, "stage")}, "
                    + $"{Plural(run.Stages?.Count(s => s.Status == "Queued") ?? 0, "stage")} queued.");
                call.Output.Line($"Follow it with 'keel pipelines runs {run.Pipeline}' (or trigger with --wait).");
                return;
            }
            var ended = await FollowAsync(call, run, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, ended, PipelineJsonContext.Default.PipelineRunDto);
            }
            if (ended.Status != "Succeeded")
            {
                var failed = ended.Stages?.FirstOrDefault(s => s.Status == "Failed");
                throw new CliException($"pipeline run {ended.Id} failed" + (failed is null ? "" : $": stage '{failed.Stage}' failed"
                    + (string.IsNullOrEmpty(failed.Message) ? "" : $" ({failed.Message})") + $"; see 'keel pipelines logs {ended.Id} {failed.Stage}'"));
            }
        });
        return command;
    }

    /// <summary>Polls the run until it ends, printing each stage's status changes (not in JSON mode).</summary>
    private static async Task<PipelineRunDto> FollowAsync(ClientInvocation call, PipelineRunDto run, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!call.Output.IsJson)
        {
            call.Output.Line($"Run {run.Id} of pipeline '{run.Pipeline}':");
        }
        while (true)
        {
            foreach (var stage in run.Stages ?? [])
            {
                if (stage.Stage is null || stage.Status is null || (seen.TryGetValue(stage.Stage, out var before) && before == stage.Status))
                {
                    continue;
                }
                seen[stage.Stage] = stage.Status;
                if (!call.Output.IsJson)
                {
                    call.Output.Line($"  {stage.Stage}: {stage.Status}" + (string.IsNullOrEmpty(stage.Message) ? "" : $" ({stage.Message})"));
                }
            }
            if (run.Status is "Succeeded" or "Failed")
            {
                if (!call.Output.IsJson)
                {
                    call.Output.Line($"Run {run.Id} {run.Status.ToLowerInvariant()}" + (run.DurationMs is { } ms ? $" in {Format.Duration(TimeSpan.FromMilliseconds(ms))}." : "."));
                }
                return run;
            }
            await Task.Delay(WaitPollInterval, call.Output.Time, ct);
            run = await call.Client.GetPipelineRunAsync(run.Id!, ct);
        }
    }

    private static Command Runs(ClientOptions options, CliHost host)
    {
        var name = new Argument<string?>("name") { Description = "Pipeline name [default: every pipeline]", Arity = ArgumentArity.ZeroOrOne };
        var max = new Option<int?>("--max-results") { Description = "Runs to list, newest first, 1 to 1000 [default: 50]" };
        var command = new Command("runs", "List pipeline runs, newest first: status, trigger, duration and stage counts") { name, max };
        options.SetAction(command, host, async (call, ct) =>
        {
            var list = await call.Client.ListPipelineRunsAsync(call.Parse.GetValue(name), call.Parse.GetValue(max), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, list, PipelineJsonContext.Default.ListPipelineRunsResponse);
                return;
            }
            var runs = list.Runs ?? [];
            if (runs.Length == 0)
            {
                call.Output.Line("No runs yet; start one with 'keel pipelines trigger'.");
                return;
            }
            call.Output.Write(RunTable(runs, call.Output));
        });
        return command;
    }

    private static Command Logs(ClientOptions options, CliHost host)
    {
        var runId = new Argument<string>("run-id") { Description = "Pipeline run id" };
        var stage = new Argument<string>("stage") { Description = "Stage name (e.g. train@0.01)" };
        var attempt = new Option<int?>("--attempt") { Description = "Attempt number, from 1 [default: the latest]" };
        var command = new Command("logs", "Print the log of a stage attempt") { runId, stage, attempt };
        options.SetAction(command, host, async (call, ct) =>
        {
            var log = await call.Client.GetPipelineStageLogAsync(call.Parse.GetRequiredValue(runId), call.Parse.GetRequiredValue(stage), call.Parse.GetValue(attempt), ct);
            await host.Out.WriteAsync(log.AsMemory(), ct);
        });
        return command;
    }

    private static Table RunTable(IEnumerable<PipelineRunDto> runs, CliOutput output)
    {
        var table = new Table().AddColumn("Run").AddColumn("Pipeline").AddColumn("Status").AddColumn("Trigger").AddColumn("Created")
            .AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Stages");
        foreach (var run in runs)
        {
            var trigger = string.IsNullOrEmpty(run.TriggerDetail) ? run.Trigger ?? "" : $"{run.Trigger}: {run.TriggerDetail}";
            var counts = (run.Stages ?? []).GroupBy(s => s.Status ?? "?").Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}");
            table.AddRow(Markup.Escape(run.Id ?? ""), Markup.Escape(run.Pipeline ?? ""), Markup.Escape(run.Status ?? ""), Markup.Escape(trigger),
                Format.Timestamp(run.CreatedAt, output.Time), Format.RunDuration(run.StartedAt, run.EndedAt, output.Time), Markup.Escape(string.Join(", ", counts)));
        }
        return table;
    }
}
