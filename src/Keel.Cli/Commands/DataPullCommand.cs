using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Data.Cache;
using Keel.Data.Remote;
using Keel.Data.Repository;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data pull [targets…] [--jobs N] [--through-server]</c>: fetch the manifests and chunks of tracked data the local cache lacks,
/// each verified against its hash. The working copy is left alone unless a checkout step is given.
/// </summary>
internal static class DataPullCommand
{
    /// <param name="options">The data group's options.</param>
    /// <param name="host">Where to write.</param>
    /// <param name="checkout">
    /// Restores the working copy after the pull (given the pulled items); null leaves it and prints how to do it.
    /// </param>
    public static Command Create(ClientOptions options, CliHost host, Func<IReadOnlyList<TrackedData>, CliOutput, CancellationToken, Task>? checkout = null)
    {
        var targets = DataTransferOptions.Targets();
        var jobs = DataTransferOptions.Jobs();
        var throughServer = DataTransferOptions.ThroughServer();
        var command = new Command("pull", "Fetch tracked data the local cache lacks from the server (in parallel, verified)") { targets, jobs, throughServer };
        options.SetAction(command, host, async (call, ct) =>
        {
            var repository = DataRepository.Discover(host.WorkingDirectory);
            var items = repository.FindTracked(call.Parse.GetValue(targets) ?? [], host.WorkingDirectory);
            if (items.Count == 0)
            {
                throw new CliException("nothing to pull: no pointer files found");
            }
            var transfer = new DataTransfer(call.Client, repository.Cache, host.Time) { Jobs = call.Parse.GetValue(jobs), Direct = !call.Parse.GetValue(throughServer) };
            var started = host.Time.GetTimestamp();
            PullResult? result = null;
            try
            {
                var plan = await transfer.PlanPullAsync(items, ct);
                await TransferProgress.RunAsync(call.Output, "pull", plan.BytesToFetch,
                    async bytes => result = await transfer.PullAsync(plan, DataTransferOptions.Bytes(bytes), ct));
                result = result! with { Elapsed = host.Time.GetElapsedTime(started) };
            }
            catch (CorruptObjectException e)
            {
                throw new CliException(e.Message);
            }
            Write(call.Output, result, checkout is null);
            if (checkout is not null)
            {
                await checkout(items, call.Output, ct);
            }
        });
        return command;
    }

    private static void Write(CliOutput output, PullResult result, bool hintCheckout)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["objects_received"] = result.ObjectsReceived,
                ["objects_direct"] = result.ObjectsDirect,
                ["bytes_received"] = result.BytesReceived,
                ["objects_skipped"] = result.ObjectsSkipped,
                ["bytes_skipped"] = result.BytesSkipped,
                ["seconds"] = result.Elapsed.TotalSeconds,
            });
            return;
        }
        output.Line($"Received {DataTransferOptions.Objects(result.ObjectsReceived)}{DataTransferOptions.Direct(result.ObjectsDirect, "from")} ({Format.Bytes(result.BytesReceived)}) in {Format.Duration(result.Elapsed)}"
            + $" at {DataTransferOptions.Throughput(result.BytesReceived, result.Elapsed)}; {DataTransferOptions.Objects(result.ObjectsSkipped)}"
            + $" ({Format.Bytes(result.BytesSkipped)}) already in the cache.");
        if (hintCheckout)
        {
            output.Line("The data is in the local cache; run 'keel data checkout' to update the working copy.");
        }
    }
}
