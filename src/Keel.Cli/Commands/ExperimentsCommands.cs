using System.CommandLine;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel experiments list|create|rename|delete|restore</c>.</summary>
internal static class ExperimentsCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("experiments", "List, create, rename, delete and restore experiments"));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(CreateExperiment(options, host));
        group.Subcommands.Add(Rename(options, host));
        group.Subcommands.Add(Lifecycle(options, host, "delete", "Delete an experiment (restorable) and its runs", (c, id, ct) => c.DeleteExperimentAsync(id, ct), "Deleted"));
        group.Subcommands.Add(Lifecycle(options, host, "restore", "Restore a deleted experiment", (c, id, ct) => c.RestoreExperimentAsync(id, ct), "Restored"));
        return group;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var view = ViewOption.Create("experiments");
        var filter = new Option<string?>("--filter")
        {
            Description = "MLflow filter, e.g. \"name LIKE 'fraud%'\" or \"tags.team = 'risk'\"",
        };
        var maxResults = MaxResultsOption.Create(defaultValue: 1000);
        var command = new Command("list", "List experiments") { view, filter, maxResults };
        options.SetAction(command, host, async (call, ct) =>
        {
            var experiments = await SearchAsync(
                call.Client,
                new SearchExperimentsRequest { ViewType = ViewOption.WireValue(call.Parse.GetValue(view)), Filter = call.Parse.GetValue(filter) },
                call.Parse.GetValue(maxResults),
                ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new SearchExperimentsResponse { Experiments = experiments });
                return;
            }

            if (experiments.Count == 0)
            {
                call.Output.Line("No experiments.");
                return;
            }

            var table = new Table().AddColumns("ID", "Name", "Stage", "Created", "Artifact location");
            foreach (var experiment in experiments)
            {
                table.AddRow(
                    Markup.Escape(experiment.ExperimentId),
                    Markup.Escape(experiment.Name),
                    Markup.Escape(experiment.LifecycleStage),
                    Format.Timestamp(experiment.CreationTime, call.Output.Time),
                    Markup.Escape(experiment.ArtifactLocation ?? ""));
            }

            call.Output.Write(table);
        });
        return command;
    }

    /// <summary>Every experiment matching <paramref name="request"/>, following page tokens up to <paramref name="maxResults"/>.</summary>
    internal static async Task<List<ExperimentDto>> SearchAsync(KeelClient client, SearchExperimentsRequest request, int maxResults, CancellationToken ct)
    {
        var experiments = new List<ExperimentDto>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchExperimentsAsync(
                request with { MaxResults = Math.Min(maxResults - experiments.Count, 1000), PageToken = pageToken },
                ct);
            experiments.AddRange(page.Experiments.Take(maxResults - experiments.Count));
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken) && experiments.Count < maxResults);
        return experiments;
    }

    private static Command CreateExperiment(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Experiment name (unique)" };
        var artifactLocation = new Option<string?>("--artifact-location")
        {
            Description = "Where the experiment's run artifacts go, e.g. mlflow-artifacts:/team-a [default: chosen by the server]",
        };
        var command = new Command("create", "Create an experiment") { name, artifactLocation };
        options.SetAction(command, host, async (call, ct) =>
        {
            var experimentName = call.Parse.GetRequiredValue(name);
            var id = await call.Client.CreateExperimentAsync(experimentName, call.Parse.GetValue(artifactLocation), ct: ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new CreateExperimentResponse(id));
                return;
            }

            call.Output.Line($"Created experiment '{experimentName}' with id {id}.");
        });
        return command;
    }

    private static Command Rename(ClientOptions options, CliHost host)
    {
        var id = new Argument<string>("experiment-id");
        var newName = new Argument<string>("new-name");
        var command = new Command("rename", "Rename an experiment") { id, newName };
        options.SetAction(command, host, async (call, ct) =>
        {
            var experimentId = call.Parse.GetRequiredValue(id);
            await call.Client.RenameExperimentAsync(experimentId, call.Parse.GetRequiredValue(newName), ct);
            await ReportAsync(call, experimentId, "Renamed", ct);
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
        var id = new Argument<string>("experiment-id");
        var command = new Command(name, description) { id };
        options.SetAction(command, host, async (call, ct) =>
        {
            var experimentId = call.Parse.GetRequiredValue(id);
            await change(call.Client, experimentId, ct);
            await ReportAsync(call, experimentId, verb, ct);
        });
        return command;
    }

    /// <summary>Prints the experiment as it is after a change, so scripts see the new name or stage.</summary>
    private static async Task ReportAsync(ClientInvocation call, string experimentId, string verb, CancellationToken ct)
    {
        var experiment = await call.Client.GetExperimentAsync(experimentId, ct);
        if (call.Output.IsJson)
        {
            call.Output.WriteWire(new GetExperimentResponse(experiment));
            return;
        }

        call.Output.Line($"{verb} experiment {experiment.ExperimentId} '{experiment.Name}' (now {experiment.LifecycleStage}).");
    }
}
