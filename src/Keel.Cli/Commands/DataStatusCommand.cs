using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Data.Repository;
using Keel.Data.Status;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data status [targets…]</c>: what changed in tracked data since its pointer files were written, like
/// <c>git status</c>: exit code 0 whatever changed; only a broken pointer or a corrupt cache is an error.
/// </summary>
internal static class DataStatusCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var targets = new Argument<string[]>("targets")
        {
            Description = "Pointer files, tracked files or folders, or folders to search [default: every pointer in the repository]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("status", "Show tracked data that differs from its pointer files: added, removed and modified files") { targets };
        command.SetAction((parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var repository = DataRepository.Discover(host.WorkingDirectory);
            var report = new DataStatusChecker(repository).Check(parse.GetValue(targets) ?? [], host.WorkingDirectory, ct);
            if (output.IsJson)
            {
                output.WriteJson(Json(report));
            }
            else
            {
                Write(output, report);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Write(CliOutput output, DataStatusReport report)
    {
        if (report.Items.Count == 0)
        {
            output.Line("No tracked data: track files or folders with 'keel data add'.");
            return;
        }
        foreach (var item in report.Items)
        {
            var path = Markup.Escape(item.Tracked.RelativePath);
            output.MarkupLine(item.State switch
            {
                TrackedState.Unchanged => $"  [green]unchanged[/]  {path}",
                TrackedState.Modified => $"  [yellow]modified[/]   {path}",
                TrackedState.Missing => $"  [red]missing[/]    {path}  (restore it with 'keel data checkout')",
                _ => $"  [red]unknown[/]    {path}  (manifest not in cache, run 'keel data pull')",
            });
            foreach (var change in item.Changes)
            {
                var kind = Name(change.Kind);
                output.Line($"      {kind + ":",-10} {change.Path}");
            }
        }
        var changed = report.Items.Count(i => i.State != TrackedState.Unchanged);
        output.Line();
        output.Line(changed == 0
            ? $"All {Count(report.Items.Count)} match their pointers."
            : $"{changed} of {Count(report.Items.Count)} differ from their pointers.");
    }

    private static JsonObject Json(DataStatusReport report) => new()
    {
        ["clean"] = report.IsClean,
        ["bytes_read"] = report.BytesRead,
        ["items"] = new JsonArray([.. report.Items.Select(item => new JsonObject
        {
            ["path"] = item.Tracked.RelativePath,
            ["pointer"] = item.Tracked.RelativePath + ".keel",
            ["kind"] = item.Tracked.Spec.IsDirectory ? "directory" : "file",
            ["manifest"] = item.Tracked.Spec.Manifest,
            ["state"] = item.State switch
            {
                TrackedState.Unchanged => "unchanged",
                TrackedState.Modified => "modified",
                TrackedState.Missing => "missing",
                _ => "manifest_not_cached",
            },
            ["changes"] = new JsonArray([.. item.Changes.Select(c => new JsonObject { ["path"] = c.Path, ["change"] = Name(c.Kind) })]),
        })]),
    };

    private static string Name(FileChangeKind kind) => kind switch
    {
        FileChangeKind.Added => "added",
        FileChangeKind.Removed => "removed",
        _ => "modified",
    };

    private static string Count(int items) => items == 1 ? "1 tracked item" : $"{items} tracked items";
}
