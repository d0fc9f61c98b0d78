using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Keel.Client;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel models list|show|versions|register|rename|delete|alias|stage|download|export-onnx|lineage</c>: the model registry.
/// This file holds the registered-model commands; versions, aliases and packages have their own files.
/// </summary>
internal static class ModelsCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("models", "List, register, alias, stage, download and trace registered models"));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Show(options, host));
        group.Subcommands.Add(ModelsVersionCommands.Versions(options, host));
        group.Subcommands.Add(ModelsVersionCommands.Register(options, host));
        group.Subcommands.Add(Rename(options, host));
        group.Subcommands.Add(Delete(options, host));
        group.Subcommands.Add(ModelsAliasCommands.Create(options, host));
        group.Subcommands.Add(ModelsVersionCommands.Stage(options, host));
        group.Subcommands.Add(ModelsDownloadCommand.Create(options, host));
        group.Subcommands.Add(ModelsExportOnnxCommand.Create(options, host));
        group.Subcommands.Add(ModelsLineageCommand.Create(options, host));
        group.Subcommands.Add(ModelsPromoteCommand.Create(options, host));
        group.Subcommands.Add(ModelsApproveCommand.Create(options, host));
        group.Subcommands.Add(ModelsRollbackCommand.Create(options, host));
        group.Subcommands.Add(ModelsHistoryCommand.Create(options, host));
        group.Subcommands.Add(ModelsCardCommand.Create(options, host));
        group.Subcommands.Add(ModelsValidateCommand.Create(options, host));
        return group;
    }

    /// <summary>A positive version number, as the registry numbers them.</summary>
    internal static Argument<long> VersionArgument(string description = "Version number")
    {
        var argument = new Argument<long>("version") { Description = description };
        argument.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1)
            {
                result.AddError("version must be a positive integer.");
            }
        });
        return argument;
    }

    /// <summary>An exact-match filter on the model name, quoted so any name the server accepts survives.</summary>
    internal static string NameFilter(string name) =>
        name.Contains('\'', StringComparison.Ordinal) ? $"name = \"{name}\"" : $"name = '{name}'";

    internal static string VersionText(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static Command List(ClientOptions options, CliHost host)
    {
        var filter = new Option<string?>("--filter")
        {
            Description = "MLflow filter, e.g. \"name LIKE 'fraud%'\" or \"tags.team = 'risk'\"",
        };
        var maxResults = MaxResultsOption.Create(defaultValue: 1000);
        var command = new Command("list", "List registered models with their latest version and aliases") { filter, maxResults };
        options.SetAction(command, host, async (call, ct) =>
        {
            var models = await SearchAsync(call.Client, call.Parse.GetValue(filter), call.Parse.GetValue(maxResults), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new SearchRegisteredModelsResponse { RegisteredModels = models });
                return;
            }

            ModelTables.WriteList(call.Output, models);
        });
        return command;
    }

    private static async Task<List<RegisteredModelDto>> SearchAsync(KeelClient client, string? filter, int maxResults, CancellationToken ct)
    {
        var models = new List<RegisteredModelDto>();
        string? pageToken = null;
        do
        {
            // The registry's page limit is MLflow's 1000.
            var page = await client.SearchRegisteredModelsAsync(filter, maxResults: Math.Min(maxResults - models.Count, 1000), pageToken: pageToken, ct: ct);
            models.AddRange(page.RegisteredModels.Take(maxResults - models.Count));
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken) && models.Count < maxResults);
        return models;
    }

    private static Command Show(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var command = new Command("show", "Show a registered model: description, tags, aliases and the latest version of each stage") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            var model = await call.Client.GetRegisteredModelAsync(call.Parse.GetRequiredValue(name), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new RegisteredModelResponse(model));
                return;
            }

            ModelTables.WriteModel(call.Output, model);
        });
        return command;
    }

    private static Command Rename(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name");
        var newName = new Argument<string>("new-name");
        var command = new Command("rename", "Rename a registered model (its versions and aliases follow)") { name, newName };
        options.SetAction(command, host, async (call, ct) =>
        {
            var oldName = call.Parse.GetRequiredValue(name);
            var model = await call.Client.RenameRegisteredModelAsync(oldName, call.Parse.GetRequiredValue(newName), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new RegisteredModelResponse(model));
                return;
            }

            call.Output.Line($"Renamed model '{oldName}' to '{model.Name}'.");
        });
        return command;
    }

    private static Command Delete(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name");
        var version = new Option<long?>("--version")
        {
            Description = "Delete only this version [default: the whole model, which needs --yes]",
        };
        version.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 1)
            {
                result.AddError("--version must be a positive integer.");
            }
        });
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm deleting a whole model with all its versions and aliases" };
        var command = new Command("delete", "Delete a model version, or a whole registered model (not restorable)") { name, version, yes };
        options.SetAction(command, host, async (call, ct) =>
        {
            var modelName = call.Parse.GetRequiredValue(name);
            var number = call.Parse.GetValue(version);
            if (number is null && !call.Parse.GetValue(yes))
            {
                // Unlike runs and experiments, a deleted model cannot be restored, so the whole-model case asks first.
                throw new CliException(
                    $"deleting model '{modelName}' removes all its versions and aliases for good; pass --yes to confirm, or --version N to delete one version",
                    ExitCodes.Usage);
            }

            if (number is { } v)
            {
                await call.Client.DeleteModelVersionAsync(modelName, v, ct);
            }
            else
            {
                await call.Client.DeleteRegisteredModelAsync(modelName, ct);
            }

            if (call.Output.IsJson)
            {
                call.Output.WriteJson(new JsonObject { ["name"] = modelName, ["version"] = number is { } n ? VersionText(n) : null, ["deleted"] = true });
                return;
            }

            call.Output.Line(number is { } deleted ? $"Deleted {modelName} version {VersionText(deleted)}." : $"Deleted model '{modelName}' and all its versions.");
        });
        return command;
    }
}
