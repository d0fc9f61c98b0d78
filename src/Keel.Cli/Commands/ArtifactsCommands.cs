using System.CommandLine;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Contracts.Mlflow;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary><c>keel artifacts ls|get|put</c>: a run's files, through the tracking server.</summary>
internal static class ArtifactsCommands
{
    public static Command Create(CliHost host)
    {
        var options = new ClientOptions();
        var group = options.AddTo(new Command("artifacts", "List, download and upload a run's artifacts"));
        group.Subcommands.Add(List(options, host));
        group.Subcommands.Add(Get(options, host));
        group.Subcommands.Add(Put(options, host));
        return group;
    }

    private static Command List(ClientOptions options, CliHost host)
    {
        var runId = new Argument<string>("run-id");
        var path = new Argument<string?>("path") { Description = "Folder inside the run's artifacts [default: the root]", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("ls", "List a run's artifacts (one folder level)") { runId, path };
        options.SetAction(command, host, async (call, ct) =>
        {
            var listing = await call.Client.ListArtifactsAsync(call.Parse.GetRequiredValue(runId), call.Parse.GetValue(path), ct);
            if (call.Output.IsJson)
            {
                call.Output.WriteWire(listing);
                return;
            }

            if (listing.Files.Count == 0)
            {
                call.Output.Line("No artifacts.");
                return;
            }

            var table = new Table().AddColumns("Path", "Size");
            table.Columns[1].RightAligned();
            foreach (var file in listing.Files.OrderBy(f => !f.IsDir).ThenBy(f => f.Path, StringComparer.Ordinal))
            {
                table.AddRow(
                    file.IsDir ? $"[blue]{Markup.Escape(file.Path)}/[/]" : Markup.Escape(file.Path),
                    file.IsDir ? "" : Format.Bytes(file.FileSize ?? 0));
            }

            call.Output.Write(table);
        });
        return command;
    }

    private static Command Get(ClientOptions options, CliHost host)
    {
        var runId = new Argument<string>("run-id");
        var artifactPath = new Argument<string>("artifact-path") { Description = "File or folder inside the run's artifacts" };
        var destination = new Option<string>("--dest")
        {
            Description = "Local folder to download into",
            DefaultValueFactory = _ => ".",
        };
        var command = new Command("get", "Download an artifact file or folder") { runId, artifactPath, destination };
        options.SetAction(command, host, async (call, ct) =>
        {
            var run = call.Parse.GetRequiredValue(runId);
            var remotePath = call.Parse.GetRequiredValue(artifactPath).Trim('/');
            var localRoot = Path.GetFullPath(call.Parse.GetRequiredValue(destination), host.WorkingDirectory);
            var (files, bytes) = await MeasureAsync(call.Client, run, remotePath, ct);
            if (files == 0)
            {
                throw new CliException($"{ErrorCodes.ResourceDoesNotExist}: run {run} has no artifact '{remotePath}'");
            }

            Directory.CreateDirectory(localRoot);
            var started = call.Output.Time.GetTimestamp();
            await TransferProgress.RunAsync(call.Output, $"get {remotePath}", bytes, progress =>
                call.Client.DownloadArtifactsAsync(run, remotePath, localRoot, progress, ct));
            var local = Path.Combine(localRoot, remotePath.Replace('/', Path.DirectorySeparatorChar));
            Summarize(call.Output, "Downloaded", files, bytes, call.Output.Time.GetElapsedTime(started), $"to {local}", new JsonObject
            {
                ["run_id"] = run,
                ["artifact_path"] = remotePath,
                ["local_path"] = local,
            });
        });
        return command;
    }

    private static Command Put(ClientOptions options, CliHost host)
    {
        var runId = new Argument<string>("run-id");
        var localPath = new Argument<string>("local-path") { Description = "File or folder to upload" };
        var artifactPath = new Option<string?>("--artifact-path")
        {
            Description = "Folder inside the run's artifacts to upload into [default: the root]",
        };
        var command = new Command("put", "Upload a file or folder as run artifacts") { runId, localPath, artifactPath };
        options.SetAction(command, host, async (call, ct) =>
        {
            var run = call.Parse.GetRequiredValue(runId);
            var source = Path.GetFullPath(call.Parse.GetRequiredValue(localPath), host.WorkingDirectory);
            var remoteDirectory = call.Parse.GetValue(artifactPath)?.Trim('/') is { Length: > 0 } d ? d : null;
            var isDirectory = Directory.Exists(source);
            if (!isDirectory && !File.Exists(source))
            {
                throw new CliException($"no such file or folder: {source}");
            }

            var localFiles = isDirectory
                ? Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList()
                : [new FileInfo(source)];
            var bytes = localFiles.Sum(f => f.Length);
            var started = call.Output.Time.GetTimestamp();
            await TransferProgress.RunAsync(call.Output, $"put {Path.GetFileName(source)}", bytes, progress => isDirectory
                ? call.Client.UploadArtifactsAsync(run, source, remoteDirectory, progress, ct)
                : call.Client.UploadArtifactAsync(run, source, remoteDirectory, progress, ct));
            var target = remoteDirectory is null ? "the artifact root" : $"{remoteDirectory}/";
            Summarize(call.Output, "Uploaded", localFiles.Count, bytes, call.Output.Time.GetElapsedTime(started), $"to run {run} at {target}", new JsonObject
            {
                ["run_id"] = run,
                ["artifact_path"] = remoteDirectory ?? "",
                ["local_path"] = source,
            });
        });
        return command;
    }

    private static void Summarize(CliOutput output, string verb, int files, long bytes, TimeSpan elapsed, string where, JsonObject json)
    {
        if (output.IsJson)
        {
            json["files"] = files;
            json["bytes"] = bytes;
            output.WriteJson(json);
            return;
        }

        var rate = elapsed.TotalSeconds > 0 ? $", {Format.Bytes((long)(bytes / elapsed.TotalSeconds))}/s" : "";
        output.Line($"{verb} {files} file(s), {Format.Bytes(bytes)}, {where} in {Format.Duration(elapsed)}{rate}.");
    }

    /// <summary>How many files and bytes lie at <paramref name="path"/>, a file or a folder (recursively); (0, 0) when nothing does.</summary>
    private static async Task<(int Files, long Bytes)> MeasureAsync(KeelClient client, string runId, string path, CancellationToken ct)
    {
        if (path.Length == 0)
        {
            return await MeasureFolderAsync(client, runId, null, ct);
        }

        // Looked up in its parent folder: MLflow lists a file, or a missing path, as an empty folder.
        var slash = path.LastIndexOf('/');
        var parent = await client.ListArtifactsAsync(runId, slash < 0 ? null : path[..slash], ct);
        return parent.Files.FirstOrDefault(f => f.Path == path) switch
        {
            null => (0, 0),
            { IsDir: true } => await MeasureFolderAsync(client, runId, path, ct),
            var file => (1, file.FileSize ?? 0),
        };
    }

    private static async Task<(int Files, long Bytes)> MeasureFolderAsync(KeelClient client, string runId, string? path, CancellationToken ct)
    {
        var (files, bytes) = (0, 0L);
        foreach (var entry in (await client.ListArtifactsAsync(runId, path, ct)).Files)
        {
            var (f, b) = entry.IsDir ? await MeasureFolderAsync(client, runId, entry.Path, ct) : (1, entry.FileSize ?? 0);
            files += f;
            bytes += b;
        }

        return (files, bytes);
    }
}
