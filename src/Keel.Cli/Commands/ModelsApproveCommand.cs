using System.CommandLine;
using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Cli.Commands;

/// <summary><c>keel models approve models:/churn/7 --alias champion</c>: record an approval another user's promotion needs.</summary>
internal static class ModelsApproveCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = ModelsGovernanceArguments.VersionUri();
        var alias = ModelsGovernanceArguments.Alias("The alias the version is approved for");
        var comment = new Option<string?>("--comment") { Description = "Free text kept with the approval" };
        var user = ModelsGovernanceArguments.User();
        var command = new Command("approve", "Approve a version for an alias; under keel.policy.require_approval a different user must then promote it")
        {
            modelUri, alias, comment, user,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var (name, version) = await ModelsGovernanceArguments.ResolveVersionAsync(call, modelUri, ct);
            var approval = await call.Client.ApproveModelVersionAsync(name, version, call.Parse.GetRequiredValue(alias),
                call.Parse.GetValue(comment), ModelsGovernanceArguments.UserName(call.Parse, user, host), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(JsonSerializer.SerializeToNode(approval, GovernanceJsonContext.Default.ApprovalDto)!);
                return;
            }

            call.Output.Line($"Approved {approval.Model} version {approval.Version} for alias '{approval.Alias}' as '{approval.User}'.");
        });
        return command;
    }
}
