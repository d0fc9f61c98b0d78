using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Core.Common;
using Keel.Core.Data.Profiles;
using Keel.Data.Cache;
using Keel.Data.Remote;
using Keel.Data.Repository;
using Keel.Data.Tabular;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data push [targets…] [--jobs N] [--through-server]</c>: send the chunks and manifests of tracked data the server lacks, then
/// record dataset versions for pointers naming a dataset. Interrupted pushes resume: the next one sends only the rest.
/// </summary>
internal static class DataPushCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var targets = DataTransferOptions.Targets();
        var jobs = DataTransferOptions.Jobs();
        var throughServer = DataTransferOptions.ThroughServer();
        var command = new Command("push", "Send tracked data the server lacks (chunks in parallel, manifests last) and record dataset versions")
        {
            targets, jobs, throughServer,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var repository = DataRepository.Discover(host.WorkingDirectory);
            var items = repository.FindTracked(call.Parse.GetValue(targets) ?? [], host.WorkingDirectory);
            if (items.Count == 0)
            {
                throw new CliException("nothing to push: no pointer files found; track data with 'keel data add <path>' first");
            }
            var transfer = new DataTransfer(call.Client, repository.Cache, host.Time)
            {
                Jobs = call.Parse.GetValue(jobs),
                Direct = !call.Parse.GetValue(throughServer),
                // Dataset versions of a CSV or Parquet file carry its row count, schema and column profile.
                ProfileProvider = (item, token) => ProfileOrWarnAsync(repository, item, host, token),
            };
            var started = host.Time.GetTimestamp();
            PushResult? result = null;
            try
            {
                var plan = await transfer.PlanPushAsync(items, ct);
                await TransferProgress.RunAsync(call.Output, "push", plan.BytesToSend,
                    async bytes => result = await transfer.PushAsync(plan, DataTransferOptions.Bytes(bytes), ct));
            }
            catch (CorruptObjectException e)
            {
                throw new CliException(e.Message);
            }
            Write(call.Output, result! with { Elapsed = host.Time.GetElapsedTime(started) });
        });
        return command;
    }

    // A table that cannot be read (a ragged CSV, say) is still data worth versioning: its version just has no profile.
    private static async Task<DatasetProfile?> ProfileOrWarnAsync(DataRepository repository, TrackedData item, CliHost host, CancellationToken ct)
    {
        try
        {
            return await CachedTabular.ProfileAsync(repository.Cache, item, ct);
        }
        catch (KeelException e)
        {
            await host.Error.WriteLineAsync($"warning: no profile for '{item.RelativePath}' (its dataset version is recorded without one): {e.Message}");
            return null;
        }
    }

    private static void Write(CliOutput output, PushResult result)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["objects_sent"] = result.ObjectsSent,
                ["objects_direct"] = result.ObjectsDirect,
                ["bytes_sent"] = result.BytesSent,
                ["objects_skipped"] = result.ObjectsSkipped,
                ["bytes_skipped"] = result.BytesSkipped,
                ["seconds"] = result.Elapsed.TotalSeconds,
                ["dataset_versions"] = new JsonArray([.. result.DatasetVersions.Select(v => new JsonObject
                {
                    ["name"] = v.Name,
                    ["version"] = v.Version,
                    ["manifest_hash"] = v.ManifestHash,
                })]),
            });
            return;
        }
        output.Line($"Sent {DataTransferOptions.Objects(result.ObjectsSent)}{DataTransferOptions.Direct(result.ObjectsDirect, "to")} ({Format.Bytes(result.BytesSent)}) in {Format.Duration(result.Elapsed)}"
            + $" at {DataTransferOptions.Throughput(result.BytesSent, result.Elapsed)}; {DataTransferOptions.Objects(result.ObjectsSkipped)}"
            + $" ({Format.Bytes(result.BytesSkipped)}) already on the server.");
        foreach (var version in result.DatasetVersions)
        {
            output.MarkupLine($"Recorded dataset [bold]{Markup.Escape(version.Name)}[/] version {Format.Integer(version.Version)}.");
        }
    }
}

/// <summary>The arguments, options and summary wording push and pull share.</summary>
internal static class DataTransferOptions
{
    public static Argument<string[]> Targets() => new("targets")
    {
        Description = "Pointer files, tracked files or folders, or folders to search [default: every pointer in the repository]",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Option<int> Jobs()
    {
        var option = new Option<int>("--jobs", "-j")
        {
            Description = $"Objects moved at once, 1 to 64 [default: {DataTransfer.DefaultJobs}]",
            DefaultValueFactory = _ => DataTransfer.DefaultJobs,
        };
        option.Validators.Add(result =>
        {
            // Read from the token: a value that is not a number is already reported by the parser.
            if (result.Tokens is [{ Value: var text }] && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var jobs) && jobs is < 1 or > 64)
            {
                result.AddError("--jobs must be 1 to 64.");
            }
        });
        return option;
    }

    public static Option<bool> ThroughServer() => new("--through-server")
    {
        Description = "Move every object through the server's data endpoints, even when it offers presigned URLs to its object store",
    };

    /// <summary>", N straight to/from the object store" when some objects bypassed the server.</summary>
    public static string Direct(int count, string preposition) =>
        count == 0 ? string.Empty : $", {Format.Integer(count)} straight {preposition} the object store";

    /// <summary>Feeds the byte count of transfer progress to a byte progress bar (null when there is none).</summary>
    public static IProgress<DataTransferProgress>? Bytes(IProgress<long>? bar) =>
        bar is null ? null : new BytesOnly(bar);

    public static string Objects(long count) => count == 1 ? "1 object" : $"{Format.Integer(count)} objects";

    public static string Throughput(long bytes, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? Format.Bytes((long)(bytes / elapsed.TotalSeconds)) + "/s" : "-";

    private sealed class BytesOnly(IProgress<long> bar) : IProgress<DataTransferProgress>
    {
        public void Report(DataTransferProgress value) => bar.Report(value.Bytes);
    }
}
