using System.CommandLine;
using System.Text;

namespace Keel.Cli.Commands;

/// <summary><c>keel models card models:/churn/7 [--format md|html] [--output-file card.md]</c>: a model card from what Keel knows.</summary>
internal static class ModelsCardCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = ModelsGovernanceArguments.VersionUri();
        var format = new Option<string>("--format", "-f") { Description = "md (Markdown) or html (one page, no script)", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong("md", "html");
        // Not -o: that is --output (table|json) on every models command.
        var outputFile = new Option<string?>("--output-file") { Description = "Write the card to this file [default: standard output]" };
        var command = new Command("card",
            "Render a model card: intended use, training data and profiles, params, metrics, validation, importance, lineage, alias and deployment history")
        {
            modelUri, format, outputFile,
        };
        options.SetAction(command, host, async (call, ct) =>
        {
            var target = call.Parse.GetValue(outputFile) is { } file ? Path.GetFullPath(file, host.WorkingDirectory) : null;
            if (target is not null && Path.GetDirectoryName(target) is { } folder && !Directory.Exists(folder))
            {
                throw new CliException($"--output-file's folder '{folder}' does not exist", ExitCodes.Usage);
            }
            var (name, version) = await ModelsGovernanceArguments.ResolveVersionAsync(call, modelUri, ct);
            var card = await call.Client.GetModelCardAsync(name, version, call.Parse.GetRequiredValue(format), ct);
            if (target is null)
            {
                await host.Out.WriteAsync(card);
                return;
            }

            await File.WriteAllTextAsync(target, card, new UTF8Encoding(false), ct);
            call.Output.Line($"Model card of {name} version {version}: {target}");
        });
        return command;
    }
}
