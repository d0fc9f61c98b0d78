using System.CommandLine;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Keel.Core.Registry;

namespace Keel.Cli.Commands;

/// <summary><c>keel models versions|register|stage</c>: a registered model's versions.</summary>
internal static class ModelsVersionCommands
{
    public static Command Versions(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var command = new Command("versions", "List a model's versions, newest first, with stage, aliases and source run") { name };
        options.SetAction(command, host, async (call, ct) =>
        {
            // Fetched first so an unknown name is an error, not an empty list.
            var model = await call.Client.GetRegisteredModelAsync(call.Parse.GetRequiredValue(name), ct);
            var versions = await SearchAsync(call.Client, model.Name, ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new SearchModelVersionsResponse { ModelVersions = versions });
                return;
            }

            ModelTables.WriteVersions(call.Output, model, versions);
        });
        return command;
    }

    private static async Task<List<ModelVersionDto>> SearchAsync(KeelClient client, string name, CancellationToken ct)
    {
        var versions = new List<ModelVersionDto>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchModelVersionsAsync(ModelsCommands.NameFilter(name), ["version_number DESC"], pageToken: pageToken, ct: ct);
            versions.AddRange(page.ModelVersions);
            pageToken = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(pageToken));
        return versions;
    }

    public static Command Register(ClientOptions options, CliHost host)
    {
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "Where the model files are: runs:/<run-id>/<path> or mlflow-artifacts:/<path>",
        };
        var name = new Option<string>("--name", "-n") { Description = "Registered model to add the version to (created if missing)", Required = true };
        var description = new Option<string?>("--description") { Description = "Description of the new version" };
        var command = new Command("register", "Register a run's model as a new version, creating the registered model if needed") { modelUri, name, description };
        options.SetAction(command, host, async (call, ct) =>
        {
            var source = ModelUri.RequireSource(call.Parse.GetRequiredValue(modelUri));
            var modelName = call.Parse.GetRequiredValue(name);
            try
            {
                await call.Client.CreateRegisteredModelAsync(modelName, ct: ct);
            }
            catch (KeelApiException e) when (e.ErrorCode == ErrorCodes.ResourceAlreadyExists)
            {
                // As MLflow's register_model: an existing model simply gets the next version.
            }

            var version = await call.Client.CreateModelVersionAsync(modelName, source, description: call.Parse.GetValue(description), ct: ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new ModelVersionResponse(version));
                return;
            }

            call.Output.Line($"Registered {version.Name} version {version.Version}");
        });
        return command;
    }

    public static Command Stage(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var version = ModelsCommands.VersionArgument();
        var stage = new Argument<string>("stage") { Description = $"One of {string.Join(", ", ModelStage.All)} (any case)" };
        stage.Validators.Add(result =>
        {
            if (ModelStage.Parse(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"stage must be one of {string.Join(", ", ModelStage.All)}, not '{result.GetValueOrDefault<string>()}'.");
            }
        });
        var archiveExisting = new Option<bool>("--archive-existing")
        {
            Description = "Move the versions already in the target stage (Staging or Production) to Archived",
        };
        var command = new Command("stage", "Move a model version to another stage") { name, version, stage, archiveExisting };
        options.SetAction(command, host, async (call, ct) =>
        {
            var moved = await call.Client.TransitionModelVersionStageAsync(
                call.Parse.GetRequiredValue(name),
                call.Parse.GetRequiredValue(version),
                ModelStage.Parse(call.Parse.GetRequiredValue(stage))!,
                call.Parse.GetValue(archiveExisting),
                ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new ModelVersionResponse(moved));
                return;
            }

            call.Output.Line($"Moved {moved.Name} version {moved.Version} to {moved.CurrentStage}.");
        });
        return command;
    }
}
