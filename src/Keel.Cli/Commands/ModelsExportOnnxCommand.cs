using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Models.Packages;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel models export-onnx</c>: adds an <c>onnx</c> flavor to an ML.NET package in the store, once ONNX
/// Runtime's outputs match ML.NET's on the package's input example, so the model can be served wherever ONNX runs.
/// </summary>
internal static class ModelsExportOnnxCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage>, runs:/<run-id>/<path> or mlflow-artifacts:/<path>",
        };
        var command = new Command("export-onnx", "Export an ML.NET model package to ONNX, check it against ML.NET, and add the onnx flavor") { modelUri };
        options.SetAction(command, host, async (call, ct) =>
        {
            var uri = ModelUri.RequireAny(call.Parse.GetRequiredValue(modelUri));
            // Resolved once: the package is read and written back at one location even if an alias moves meanwhile.
            var resolved = await call.Client.ResolveModelUriAsync(uri, ct);
            var work = Directory.CreateTempSubdirectory("keel-export-");
            try
            {
                await call.Client.DownloadModelAsync(resolved.ArtifactUri, work.FullName, ct: ct);
                var check = ModelPackageWriter.AddOnnxFlavor(work.FullName);
                await call.Client.UploadToArtifactUriAsync(resolved.ArtifactUri, work.FullName, ct: ct);
                Report(call, uri, resolved.ArtifactUri, check);
            }
            finally
            {
                work.Delete(recursive: true);
            }
        });
        return command;
    }

    private static void Report(ClientInvocation call, string uri, string artifactUri, OnnxExportCheck check)
    {
        if (call.Output.IsJson)
        {
            call.Output.WriteJson(new JsonObject
            {
                ["model_uri"] = uri,
                ["artifact_uri"] = artifactUri,
                ["onnx_file"] = ModelPackageWriter.OnnxModelFile,
                ["checked_rows"] = check.Rows,
                ["tolerance"] = OnnxExportCheck.Tolerance,
                ["columns"] = new JsonArray([.. check.Columns.Select(c => (JsonNode)new JsonObject
                {
                    ["column"] = c.Column,
                    ["max_difference"] = c.MaxDifference,
                })]),
            });
            return;
        }

        call.Output.Line($"Added the onnx flavor ({ModelPackageWriter.OnnxModelFile}) to {uri} at {artifactUri}.");
        call.Output.Line($"ONNX Runtime matches ML.NET on the {check.Rows} input-example row(s) within {OnnxExportCheck.Tolerance:G}: {check.Describe()}.");
    }
}
