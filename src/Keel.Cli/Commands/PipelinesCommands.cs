using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keel.Cli.Output;
using Keel.Contracts.KeelApi;
using Keel.Core.Common;
using Keel.Core.Pipelines;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel pipelines register|list|show|delete|trigger|runs|logs</c>: pipelines registered on the server, which runs them
/// on a schedule, on triggers (a new dataset version, a monitor's alert) or on demand, with workers executing the stages.
/// </summary>
internal static partial class PipelinesCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("pipelines", "Register pipelines on the server, trigger them and follow their runs"));
        group.Subcommands.Add(Register(options, host));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(Delete(options, host));
        group.Subcommands.Add(Trigger(options, host));
        group.Subcommands.Add(Runs(options, host));
        group.Subcommands.Add(Logs(options, host));
        return group;
    }

    private static Command Register(ClientOptions options, CliHost host)
    {
        var file = new Option<string>("--file", "-f") { Description = "The pipeline file; its folder is uploaded as the workspace [default: keel.yaml]", DefaultValueFactory = _ => "keel.yaml" };
        var command = new Command("register", "Check a keel.yaml locally, upload its folder (without .git, .keel and stage outs) and register it") { file };
        options.SetAction(command, host, async (call, ct) =>
        {
            var path = Path.GetFullPath(call.Parse.GetRequiredValue(file), host.WorkingDirectory);
            if (!File.Exists(path))
            {
                throw new CliException($"pipeline file '{path}' not found; pass its path with -f", ExitCodes.Usage);
            }
            var folder = Path.GetDirectoryName(path)!;
            var folderName = Path.GetFileName(folder);
            var yaml = await File.ReadAllTextAsync(path, ct);
            var paramsPath = Path.Combine(folder, "params.yaml");
            var paramsYaml = File.Exists(paramsPath) ? await File.ReadAllTextAsync(paramsPath, ct) : null;
            PipelineSpec spec;
            try
            {
                spec = PipelineLoader.Load(yaml, paramsYaml, [], Path.GetFileName(path), folderName).Spec;
                PipelineGraph.Build(spec);
            }
            catch (KeelException e)
            {
                throw new CliException(e.Message, ExitCodes.Usage);
            }
            var archive = await PipelinesWorkspace.PackAsync(folder, spec, ct);
            try
            {
                var upload = await call.Client.UploadPipelineWorkspaceAsync(spec.Name, archive, ct);
                var registered = await call.Client.RegisterPipelineAsync(yaml, paramsYaml, upload.Workspace, folderName, ct);
                if (call.Output.IsJson)
                {
                    WriteJson(call.Output, registered, PipelineJsonContext.Default.PipelineDto);
                    return;
                }
                call.Output.Line($"Registered pipeline '{registered.Name}' ({Plural(registered.Stages?.Length ?? 0, "stage")}, workspace {Format.Bytes(upload.Size)}).");
                if (registered.Schedule is not null)
                {
                    call.Output.Line($"Schedule: {registered.Schedule} (UTC), next run {Format.Timestamp(registered.NextRunAt, call.Output.Time)}.");
                }
                foreach (var trigger in registered.Triggers ?? [])
                {
                    call.Output.Line($"Trigger: {TriggerText(trigger)}.");
                }
            }
            finally
            {
                File.Delete(archive);
            }
        });
        return command;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var command = new Command("list", "List registered pipelines with their schedules and triggers");
        options.SetAction(command, host, async (call, ct) =>
        {
            var list = await call.Client.ListPipelinesAsync(ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, list, PipelineJsonContext.Default.ListPipelinesResponse);
                return;
            }
            var pipelines = list.Pipelines ?? [];
            if (pipelines.Length == 0)
            {
                call.Output.Line("No pipelines; register one with 'keel pipelines register'.");
                return;
            }
            var table = new Table().AddColumn("Name").AddColumn("Schedule").AddColumn("Next run").AddColumn("Triggers").AddColumn("Updated");
            foreach (var pipeline in pipelines)
            {
                table.AddRow(Markup.Escape(pipeline.Name ?? ""), Markup.Escape(pipeline.Schedule ?? "-"),
                    pipeline.NextRunAt is null ? "-" : Format.Timestamp(pipeline.NextRunAt, call.Output.Time),
                    Markup.Escape(string.Join(", ", (pipeline.Triggers ?? []).Select(TriggerText)) is { Length: > 0 } t ? t : "-"),
                    Format.Timestamp(pipeline.UpdatedAt, call.Output.Time));
            }
            call.Output.Write(table);
        });
        return command;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Pipeline name" };
        var command = new Command("show", "Show a pipeline: stages in run order, schedule, triggers and its latest runs") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var pipeline = await call.Client.GetPipelineAsync(call.Parse.GetRequiredValue(name), ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, pipeline, PipelineJsonContext.Default.PipelineDto);
                return;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[bold]Pipeline[/]", Markup.Escape(pipeline.Name ?? ""));
            grid.AddRow("Stages", Markup.Escape(pipeline.Stages is { } stages ? string.Join(" → ", stages) : "-"));
            grid.AddRow("Schedule", Markup.Escape(pipeline.Schedule is { } s ? $"{s} (UTC), next {Format.Timestamp(pipeline.NextRunAt, call.Output.Time)}" : "-"));
            grid.AddRow("Triggers", Markup.Escape(string.Join(", ", (pipeline.Triggers ?? []).Select(TriggerText)) is { Length: > 0 } t ? t : "-"));
            grid.AddRow("Workspace", Markup.Escape(pipeline.Workspace ?? "-"));
            grid.AddRow("Registered", Format.Timestamp(pipeline.CreatedAt, call.Output.Time));
            grid.AddRow("Updated", Format.Timestamp(pipeline.UpdatedAt, call.Output.Time));
            call.Output.Write(grid);
            var runs = (await call.Client.ListPipelineRunsAsync(pipeline.Name, 5, ct)).Runs ?? [];
            call.Output.Section("Latest runs", runs.Length, () => RunTable(runs, call.Output));
        });
        return command;
    }

    private static Command Delete(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Pipeline name" };
        var command = new Command("delete", "Delete a pipeline with its run history and workspace snapshots") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var pipeline = call.Parse.GetRequiredValue(name);
            await call.Client.DeletePipelineAsync(pipeline, ct);
            if (call.Output.IsJson)
            {
                WriteJson(call.Output, new DeletePipelineResponse(), PipelineJsonContext.Default.DeletePipelineResponse);
                return;
            }
            call.Output.Line($"Deleted pipeline '{pipeline}'.");
        });
        return command;
    }

    internal static string TriggerText(PipelineTriggerDto trigger) => trigger.Kind switch
    {
        nameof(PipelineTriggerKind.DatasetVersion) => $"new version of dataset {trigger.Target}",
        nameof(PipelineTriggerKind.MonitorAlert) => $"alert of monitor {trigger.Target}",
        _ => $"{trigger.Kind} {trigger.Target}",
    };

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static void WriteJson<T>(CliOutput output, T value, JsonTypeInfo<T> typeInfo) =>
        output.WriteJson(JsonSerializer.SerializeToNode(value, typeInfo)!);
}
