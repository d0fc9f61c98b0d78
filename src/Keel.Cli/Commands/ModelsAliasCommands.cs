using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Commands;

/// <summary><c>keel models alias set|delete</c>: the names (champion, challenger…) that point at versions.</summary>
internal static class ModelsAliasCommands
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var group = new Command("alias", "Point an alias at a model version, or remove it");
        group.Subcommands.Add(Set(options, host));
        group.Subcommands.Add(Delete(options, host));
        return group;
    }

    private static Command Set(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var alias = new Argument<string>("alias") { Description = "Letters, digits, '_' and '-'; 'latest' and 'v<number>' are reserved" };
        var version = ModelsCommands.VersionArgument("Version the alias should point at");
        var command = new Command("set", "Point an alias at a version, moving it if it named another") { name, alias, version };
        options.SetAction(command, host, async (call, ct) =>
        {
            var modelName = call.Parse.GetRequiredValue(name);
            var aliasName = call.Parse.GetRequiredValue(alias);
            await call.Client.SetRegisteredModelAliasAsync(modelName, aliasName, call.Parse.GetRequiredValue(version), ct);
            // Read back, so the output shows what the alias resolves to now.
            var target = await call.Client.GetModelVersionByAliasAsync(modelName, aliasName, ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(new ModelVersionResponse(target));
                return;
            }

            call.Output.Line($"Alias '{aliasName}' of {target.Name} now points at version {target.Version}.");
        });
        return command;
    }

    private static Command Delete(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var alias = new Argument<string>("alias");
        var command = new Command("delete", "Remove an alias; the version it named stays") { name, alias };
        options.SetAction(command, host, async (call, ct) =>
        {
            var modelName = call.Parse.GetRequiredValue(name);
            var aliasName = call.Parse.GetRequiredValue(alias);
            await call.Client.DeleteRegisteredModelAliasAsync(modelName, aliasName, ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(new JsonObject { ["name"] = modelName, ["alias"] = aliasName, ["deleted"] = true });
                return;
            }

            call.Output.Line($"Deleted alias '{aliasName}' of {modelName}.");
        });
        return command;
    }
}
