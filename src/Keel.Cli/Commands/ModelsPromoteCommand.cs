using System.CommandLine;
using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Cli.Commands;

/// <summary><c>keel models promote models:/churn/7 --alias champion</c>: move an alias behind the validation gate and approval policy.</summary>
internal static class ModelsPromoteCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = ModelsGovernanceArguments.VersionUri();
        var alias = ModelsGovernanceArguments.Alias("The alias to move, e.g. champion");
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the alias history" };
        var user = ModelsGovernanceArguments.User();
        var command = new Command("promote",
            "Point an alias at a version whose latest validation passed (and, under keel.policy.require_approval, that another user approved)")
        {
            modelUri, alias, reason, user,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var (name, version) = await ModelsGovernanceArguments.ResolveVersionAsync(call, modelUri, ct);
            var move = await call.Client.PromoteModelVersionAsync(name, version, call.Parse.GetRequiredValue(alias),
                call.Parse.GetValue(reason), ModelsGovernanceArguments.UserName(call.Parse, user, host), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(JsonSerializer.SerializeToNode(move, GovernanceJsonContext.Default.AliasMoveDto)!);
                return;
            }

            call.Output.Line(Describe(move, "Promoted"));
        });
        return command;
    }

    /// <summary>One line saying where the alias was and where it is now.</summary>
    internal static string Describe(AliasMoveDto move, string verb)
    {
        var from = move.PreviousVersion is { } previous ? $" (was version {previous})" : " (was unset)";
        return $"{verb}: alias '{move.Alias}' of {move.Model} now points at version {move.NewVersion}{from}.";
    }
}
