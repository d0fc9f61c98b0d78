using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Client;

namespace Keel.Cli.Commands;

/// <summary><c>keel models download</c>: a model package, by registry reference or run path, to a local folder.</summary>
internal static class ModelsDownloadCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "models:/<name>/<version|stage|latest>, models:/<name>@<alias>, runs:/<run-id>/<path> or mlflow-artifacts:/<path>",
        };
        var destination = new Option<string?>("--dest")
        {
            Description = "Local folder to put the package's files in [default: ./<name>-<version>, or the source folder's name]",
        };
        var command = new Command("download", "Download a model package and print where it landed") { modelUri, destination };
        options.SetAction(command, host, async (call, ct) =>
        {
            var uri = ModelUri.RequireAny(call.Parse.GetRequiredValue(modelUri));
            // Resolved once and the files fetched by their location, so an alias that moves meanwhile cannot mix versions.
            var resolved = await call.Client.ResolveModelUriAsync(uri, ct);
            var local = Path.GetFullPath(call.Parse.GetValue(destination) ?? DefaultFolder(resolved), host.WorkingDirectory);
            var total = await MeasureAsync(call.Client, resolved, ct);
            var received = new LastValue();
            var started = call.Output.Time.GetTimestamp();
            await TransferProgress.RunAsync(call.Output, $"download {uri}", total, progress =>
                call.Client.DownloadModelAsync(resolved.ArtifactUri, local, new Forward(received, progress), ct));
            var elapsed = call.Output.Time.GetElapsedTime(started);
            if (call.Output.IsJson)
            {
                call.Output.WriteJson(new JsonObject
                {
                    ["model_uri"] = uri,
                    ["artifact_uri"] = resolved.ArtifactUri,
                    ["model_name"] = resolved.ModelName,
                    ["version"] = resolved.Version is { } v ? ModelsCommands.VersionText(v) : null,
                    ["run_id"] = resolved.RunId,
                    ["local_path"] = local,
                    ["bytes"] = received.Value,
                });
                return;
            }

            var what = resolved is { ModelName: { } name, Version: { } version } ? $"{name} version {ModelsCommands.VersionText(version)}" : resolved.ArtifactUri;
            call.Output.Line($"Downloaded {what}, {Format.Bytes(received.Value)} in {Format.Duration(elapsed)}, to:");
            call.Output.Line(local);
        });
        return command;
    }

    private static string DefaultFolder(ResolvedModelUri resolved) =>
        resolved is { ModelName: { } name, Version: { } version }
            ? $"{name}-{ModelsCommands.VersionText(version)}"
            : resolved.ArtifactUri.TrimEnd('/').Split('/')[^1];

    /// <summary>
    /// The package's size for the progress bar, summed from the run's artifact listing; 0 (an unknown total) when
    /// the files lie outside a run's artifacts.
    /// </summary>
    private static async Task<long> MeasureAsync(KeelClient client, ResolvedModelUri resolved, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(resolved.RunId))
        {
            return 0;
        }

        var root = (await client.GetRunAsync(resolved.RunId, ct)).Info.ArtifactUri?.TrimEnd('/') ?? "";
        var location = resolved.ArtifactUri.TrimEnd('/');
        if (location == root)
        {
            return await MeasureFolderAsync(client, resolved.RunId, null, ct);
        }

        return location.StartsWith(root + "/", StringComparison.Ordinal)
            ? await MeasureFolderAsync(client, resolved.RunId, location[(root.Length + 1)..], ct)
            : 0;
    }

    private static async Task<long> MeasureFolderAsync(KeelClient client, string runId, string? path, CancellationToken ct)
    {
        var bytes = 0L;
        foreach (var entry in (await client.ListArtifactsAsync(runId, path, ct)).Files)
        {
            bytes += entry.IsDir ? await MeasureFolderAsync(client, runId, entry.Path, ct) : entry.FileSize ?? 0;
        }

        return bytes;
    }

    private sealed class LastValue
    {
        public long Value { get; set; }
    }

    /// <summary>Keeps the byte count for the summary and passes it on to the bar, if there is one.</summary>
    private sealed class Forward(LastValue last, IProgress<long>? bar) : IProgress<long>
    {
        public void Report(long value)
        {
            last.Value = value;
            bar?.Report(value);
        }
    }
}
