using System.CommandLine;
using System.Text.Json;
using Keel.Contracts.KeelApi;

namespace Keel.Cli.Commands;

/// <summary><c>keel models lineage</c>: what produced a model version, from the run down to its data.</summary>
internal static class ModelsLineageCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "models:/<name>/<version>, models:/<name>/<stage|latest> or models:/<name>@<alias>",
        };
        var command = new Command("lineage", "Show the run, params, metrics, code commit and datasets behind a model version") { modelUri };
        options.SetAction(command, host, async (call, ct) =>
        {
            var uri = ModelUri.RequireRegistry(call.Parse.GetRequiredValue(modelUri));
            var resolved = await call.Client.ResolveModelUriAsync(uri, ct);
            if (resolved is not { ModelName: { } name, Version: { } version })
            {
                throw new CliException($"'{uri}' resolved to {resolved.ArtifactUri}, not to a model version");
            }

            var lineage = await call.Client.GetModelVersionLineageAsync(name, version, ct);
            if (call.Output.IsJson)
            {
                // Keel's own API, so its own JSON context rather than MLflow's.
                call.Output.WriteJson(JsonSerializer.SerializeToNode(lineage, KeelJsonContext.Default.ModelVersionLineageResponse)!);
                return;
            }

            call.Output.Write(LineageTree.Build(lineage, call.Output.Time));
        });
        return command;
    }
}
