using System.CommandLine;
using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Cli.Commands;

/// <summary><c>keel models rollback churn --alias champion</c>: move an alias back to its previous holder.</summary>
internal static class ModelsRollbackCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var alias = ModelsGovernanceArguments.Alias("The alias to move back");
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the alias history" };
        var user = ModelsGovernanceArguments.User();
        var command = new Command("rollback", "Point an alias back at the version that held it before its current one (deleted versions are skipped)")
        {
            name, alias, reason, user,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var move = await call.Client.RollbackModelAliasAsync(call.Parse.GetRequiredValue(name), call.Parse.GetRequiredValue(alias),
                call.Parse.GetValue(reason), ModelsGovernanceArguments.UserName(call.Parse, user, host), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(JsonSerializer.SerializeToNode(move, GovernanceJsonContext.Default.AliasMoveDto)!);
                return;
            }

            call.Output.Line(ModelsPromoteCommand.Describe(move, "Rolled back"));
        });
        return command;
    }
}
