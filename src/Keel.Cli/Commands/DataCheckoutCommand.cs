using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Data.Checkout;
using Keel.Data.Repository;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel data checkout [targets…] [--force]</c>: make the working copy match the pointer files, from the local cache.</summary>
internal static class DataCheckoutCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var targets = new Argument<string[]>("targets")
        {
            Description = "Pointer files, tracked files or folders, or folders to search [default: every pointer in the repository]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var force = new Option<bool>("--force", "-f")
        {
            Description = "Also overwrite modified files whose content is not in the cache, and delete files the manifest does not list",
        };
        var command = new Command("checkout", "Restore tracked data in the working copy from the local cache") { targets, force };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var checkout = new DataCheckout(DataRepository.Discover(host.WorkingDirectory));
            var plan = checkout.Plan(parse.GetValue(targets) ?? [], host.WorkingDirectory, parse.GetValue(force), ct);
            var started = host.Time.GetTimestamp();
            CheckoutResult? result = null;
            await TransferProgress.RunAsync(output, "checkout", plan.BytesToWrite, progress =>
                Task.Run(() => result = checkout.Apply(plan, progress, ct), ct));
            Write(output, result!, host.Time.GetElapsedTime(started));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// <c>keel data pull</c>'s last step, as DVC's pull: restore the pulled items' working copy. Modified files whose
    /// content is not in the cache stop it with the reason (the pull itself has succeeded); one summary line for
    /// people, nothing extra under <c>--output json</c> so the pull's JSON stays one document.
    /// </summary>
    public static async Task AfterPullAsync(IReadOnlyList<TrackedData> items, CliOutput output, CliHost host, CancellationToken ct)
    {
        var checkout = new DataCheckout(DataRepository.Discover(host.WorkingDirectory));
        var plan = checkout.Plan(items, force: false, ct);
        var result = await Task.Run(() => checkout.Apply(plan, null, ct), ct);
        if (!output.IsJson)
        {
            output.Line($"Checked out {Files(result.RestoredFiles)} ({Format.Bytes(result.RestoredBytes)}); {Files(result.UnchangedFiles)} already up to date.");
        }
    }

    private static void Write(CliOutput output, CheckoutResult result, TimeSpan elapsed)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["restored_files"] = result.RestoredFiles,
                ["restored_bytes"] = result.RestoredBytes,
                ["removed_files"] = result.RemovedFiles,
                ["unchanged_files"] = result.UnchangedFiles,
                ["untracked_files"] = result.UntrackedFiles,
                // Unchanged files are only counted: a tree of a million files would otherwise print a million entries.
                ["entries"] = new JsonArray([.. result.Entries.Where(e => e.Change != CheckoutChange.Unchanged).Select(e => new JsonObject
                {
                    ["path"] = e.Path,
                    ["change"] = Name(e.Change),
                    ["size"] = e.Size,
                })]),
            });
            return;
        }

        var changed = result.Entries.Where(e => e.Change != CheckoutChange.Unchanged).ToArray();
        if (changed.Length > 0)
        {
            var table = new Table().AddColumn("Change").AddColumn("Path").AddColumn(new TableColumn("Size").RightAligned());
            foreach (var entry in changed)
            {
                table.AddRow(Name(entry.Change), Markup.Escape(entry.Path), Format.Bytes(entry.Size));
            }
            output.Write(table);
        }
        output.Line(
            $"Restored {Files(result.RestoredFiles)} ({Format.Bytes(result.RestoredBytes)}) in {Format.Duration(elapsed)}, " +
            $"removed {Files(result.RemovedFiles)}, {Files(result.UnchangedFiles)} already up to date.");
        if (result.UntrackedFiles > 0)
        {
            output.Line($"Left {Files(result.UntrackedFiles)} in place that no manifest lists: 'keel data add' tracks them, --force deletes them.");
        }
    }

    private static string Name(CheckoutChange change) => change.ToString().ToLowerInvariant();

    private static string Files(int count) => count == 1 ? "1 file" : $"{Format.Integer(count)} files";
}
