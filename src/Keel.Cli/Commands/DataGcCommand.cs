using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Data.Gc;
using Keel.Data.Repository;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel data gc [--dry-run] [--keep HASH]…</c>: delete cache objects that no pointer file references.</summary>
internal static class DataGcCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "List what would be removed, with sizes, and delete nothing" };
        var keep = new Option<string[]>("--keep")
        {
            Description = "Also keep this manifest hash and its chunks (repeatable), e.g. a version only an older git commit names",
            AllowMultipleArgumentsPerToken = false,
        };
        var grace = new Option<int>("--grace-minutes")
        {
            Description = "Keep unreferenced objects written in the last N minutes, which a running 'keel data add' may be about to reference [default: 60]",
            DefaultValueFactory = _ => 60,
        };
        grace.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--grace-minutes must be 0 or more.");
            }
        });
        var command = new Command("gc", "Delete chunks and manifests in the local cache that no pointer file in the working tree references") { dryRun, keep, grace };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var gc = new DataGc(DataRepository.Discover(host.WorkingDirectory), host.Time);
            var gcOptions = new GcOptions
            {
                DryRun = parse.GetValue(dryRun),
                Keep = parse.GetValue(keep) ?? [],
                GracePeriod = TimeSpan.FromMinutes(parse.GetValue(grace)),
            };
            var report = await Task.Run(() => gc.Run(gcOptions, ct), ct);
            Write(output, report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliOutput output, GcReport report)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["dry_run"] = report.DryRun,
                ["referenced_manifests"] = new JsonArray([.. report.ReferencedManifests.Select(h => JsonValue.Create(h))]),
                ["removed_objects"] = report.Removed.Count,
                ["removed_bytes"] = report.RemovedBytes,
                ["kept_objects"] = report.KeptObjects,
                ["kept_bytes"] = report.KeptBytes,
                ["recent_objects"] = report.RecentObjects,
                ["removed"] = new JsonArray([.. report.Removed.Select(o => new JsonObject { ["hash"] = o.Hash, ["size"] = o.Size })]),
            });
            return;
        }

        if (report.DryRun && report.Removed.Count > 0)
        {
            var table = new Table().AddColumn("Object").AddColumn(new TableColumn("Size").RightAligned());
            foreach (var item in report.Removed)
            {
                table.AddRow(item.Hash, Format.Bytes(item.Size));
            }
            output.Write(table);
        }
        var verb = report.DryRun ? "Would remove" : "Removed";
        output.Line(
            $"{verb} {Objects(report.Removed.Count)} ({Format.Bytes(report.RemovedBytes)}); kept {Objects(report.KeptObjects)} " +
            $"({Format.Bytes(report.KeptBytes)}) referenced by {Format.Integer(report.ReferencedManifests.Count)} manifest(s).");
        if (report.RecentObjects > 0)
        {
            output.Line($"Kept {Objects(report.RecentObjects)} ({Format.Bytes(report.RecentBytes)}) written too recently to be sure no add still needs them; see --grace-minutes.");
        }
    }

    private static string Objects(int count) => count == 1 ? "1 object" : $"{Format.Integer(count)} objects";
}
