using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keel.Contracts.KeelApi;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel models history churn [--alias champion]</c>: every recorded alias move, with who, when and why.</summary>
internal static class ModelsHistoryCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var name = new Argument<string>("name") { Description = "Registered model name" };
        var alias = new Option<string?>("--alias", "-a") { Description = "Only this alias [default: every alias]" };
        var command = new Command("history", "List a model's alias moves (set, promote, rollback, delete), oldest first") { name, alias };
        options.SetAction(command, host, async (call, ct) =>
        {
            var moves = await call.Client.GetAliasHistoryAsync(call.Parse.GetRequiredValue(name), call.Parse.GetValue(alias), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(JsonSerializer.SerializeToNode(new AliasHistoryResponse { Moves = moves }, GovernanceJsonContext.Default.AliasHistoryResponse)!);
                return;
            }

            if (moves.Count == 0)
            {
                call.Output.Line("No alias move is recorded.");
                return;
            }
            var table = new Table().AddColumns("Time (UTC)", "Alias", "From", "To", "Kind", "User", "Reason");
            foreach (var move in moves)
            {
                table.AddRow(
                    Markup.Escape(DateTimeOffset.FromUnixTimeMilliseconds(move.Timestamp).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    Markup.Escape(move.Alias), Version(move.PreviousVersion), Version(move.NewVersion),
                    Markup.Escape(move.Kind), Markup.Escape(move.User), Markup.Escape(move.Reason));
            }
            call.Output.Write(table);
        });
        return command;
    }

    private static string Version(long? version) => version?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
