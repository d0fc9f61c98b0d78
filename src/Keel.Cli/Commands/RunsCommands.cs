using System.CommandLine;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Commands;

/// <summary><c>keel runs list|show|compare|delete|restore</c>.</summary>
internal static class RunsCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("runs", "List, inspect, compare, delete and restore runs"));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(Compare(options, host));
        group.Subcommands.Add(Lifecycle(options, host, "delete", "Delete a run (restorable)", (c, id, ct) => c.DeleteRunAsync(id, ct), "Deleted"));
        group.Subcommands.Add(Lifecycle(options, host, "restore", "Restore a deleted run", (c, id, ct) => c.RestoreRunAsync(id, ct), "Restored"));
        return group;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var experimentIds = new Option<string[]>("--experiment-id")
        {
            Description = "Only runs of this experiment (repeatable) [default: all active experiments]",
        };
        var experimentNames = new Option<string[]>("--experiment-name")
        {
            Description = "Only runs of the experiment with this name (repeatable)",
        };
        var filter = new Option<string?>("--filter")
        {
            Description = "MLflow filter, e.g. \"metrics.test_auc > 0.99 and params.learning_rate = '0.1'\"",
        };
        var orderBy = new Option<string[]>("--order-by")
        {
            Description = "Sort key, e.g. \"metrics.test_auc DESC\" (repeatable) [default: newest first]",
        };
        var maxResults = MaxResultsOption.Create(defaultValue: 1000);
        var view = ViewOption.Create("runs");
        var command = new Command("list", "List runs with their status, duration, and a few params and latest metrics")
        {
            experimentIds, experimentNames, filter, orderBy, maxResults, view,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var experiments = await ResolveExperimentsAsync(
                call.Client,
                call.Parse.GetValue(experimentIds) ?? [],
                call.Parse.GetValue(experimentNames) ?? [],
                ct);
            var order = call.Parse.GetValue(orderBy) ?? [];
            var runs = experiments.Count == 0
                ? []
                : await SearchAsync(
                    call.Client,
                    new SearchRunsRequest
                    {
                        ExperimentIds = [.. experiments.Select(e => e.ExperimentId)],
                        Filter = call.Parse.GetValue(filter),
                        RunViewType = ViewOption.WireValue(call.Parse.GetValue(view)),
                        OrderBy = order.Length == 0 ? null : order,
                    },
                    call.Parse.GetValue(maxResults),
                    ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new SearchRunsResponse { Runs = runs });
                return;
            }

            RunTables.WriteList(call.Output, runs, experiments, order);
        });
        return command;
    }

    /// <summary>The named and numbered experiments, or every active one when none is given.</summary>
    private static async Task<List<ExperimentDto>> ResolveExperimentsAsync(
        KeelClient client,
        string[] ids,
        string[] names,
        CancellationToken ct)
    {
        if (ids.Length == 0 && names.Length == 0)
        {
            return await ExperimentsCommands.SearchAsync(client, new SearchExperimentsRequest { ViewType = "ACTIVE_ONLY" }, int.MaxValue, ct);
        }

        var experiments = new List<ExperimentDto>();
        foreach (var id in ids)
        {
            experiments.Add(await client.GetExperimentAsync(id, ct));
        }

        foreach (var name in names)
        {
            experiments.Add(await client.GetExperimentByNameAsync(name, ct)
                ?? throw new CliException($"{ErrorCodes.ResourceDoesNotExist}: no experiment named '{name}'"));
        }

        return [.. experiments.DistinctBy(e => e.ExperimentId)];
    }

    private static async Task<List<RunDto>> SearchAsync(KeelClient client, SearchRunsRequest request, int maxResults, CancellationToken ct)
    {
        var runs = new List<RunDto>();
        await foreach (var run in client.SearchAllRunsAsync(request with { MaxResults = Math.Min(maxResults, 1000) }, ct))
        {
            runs.Add(run);
            if (runs.Count == maxResults)
            {
                break;
            }
        }

        return runs;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var runId = new Argument<string>("run-id");
        var command = new Command("show", "Show a run's params, latest metrics, tags and dataset inputs") { runId };
        options.SetAction(command, host, async (call, ct) =>
        {
            var run = await call.Client.GetRunAsync(call.Parse.GetRequiredValue(runId), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new RunResponse(run));
                return;
            }

            var experiment = await call.Client.GetExperimentAsync(run.Info.ExperimentId, ct);
            RunTables.WriteRun(call.Output, run, experiment);
        });
        return command;
    }

    private static Command Compare(ClientOptions options, CliHost host)
    {
        var runIds = new Argument<string[]>("run-ids")
        {
            Description = "Two or more run IDs",
            Arity = new ArgumentArity(2, 100),
        };
        var command = new Command("compare", "Show params and latest metrics of runs side by side, marking rows that differ") { runIds };
        options.SetAction(command, host, async (call, ct) =>
        {
            var runs = new List<RunDto>();
            foreach (var id in call.Parse.GetRequiredValue(runIds).Distinct(StringComparer.Ordinal))
            {
                runs.Add(await call.Client.GetRunAsync(id, ct));
            }

            var comparison = RunComparison.Of(runs);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(comparison.ToJson());
                return;
            }

            RunTables.WriteComparison(call.Output, comparison);
        });
        return command;
    }

    private static Command Lifecycle(
        ClientOptions options,
        CliHost host,
        string name,
        string description,
        Func<KeelClient, string, CancellationToken, Task> change,
        string verb)
    {
        var runId = new Argument<string>("run-id");
        var command = new Command(name, description) { runId };
        options.SetAction(command, host, async (call, ct) =>
        {
            var id = call.Parse.GetRequiredValue(runId);
            await change(call.Client, id, ct);
            var run = await call.Client.GetRunAsync(id, ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new RunResponse(run));
                return;
            }

            call.Output.Line($"{verb} run {run.Info.RunId} '{run.Info.RunName}' (now {run.Info.LifecycleStage}).");
        });
        return command;
    }
}
