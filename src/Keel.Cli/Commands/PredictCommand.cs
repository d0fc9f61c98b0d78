using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Keel.Cli.Hosting;
using Keel.Cli.Output;
using Keel.Client.Models;
using Keel.Models.Batch;
using Keel.Models.Packages;
using Keel.Server;
using Keel.Storage;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel predict</c>: scores a CSV or Parquet file with a model, a chunk at a time, writing predictions with each
/// row's number and sending rows that do not parse to a rejects file; only a header missing required columns fails.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliHost host)
    {
        var modelUri = new Argument<string>("model-uri")
        {
            Description = "models:/<name>/<version|stage>, models:/<name>@<alias>, runs:/<run-id>/<path>, or a local package folder",
        };
        var input = new Option<string>("--input", "-i") { Description = "The rows to score: a .csv (with a header) or .parquet file", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Where predictions go: a .csv or .parquet file (a row column, then the model's outputs)", Required = true };
        var rejects = new Option<string?>("--rejects") { Description = "CSV file for rows that could not be scored (row, reason) [default: only counted, the first few printed]" };
        var chunkRows = new Option<int>("--chunk-rows")
        {
            Description = "Rows read and scored at a time; memory grows with it, not with the file",
            DefaultValueFactory = _ => 10_000,
        };
        chunkRows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--chunk-rows must be at least 1.");
            }
        });
        var keepColumns = new Option<bool>("--keep-columns") { Description = "Also copy every input column to the output, after the predictions" };
        var verbose = new Option<bool>("--verbose") { Description = "Also print the process's peak memory" };
        var clientOptions = new ClientOptions();
        var command = new Command("predict", "Score a CSV or Parquet file with a model, in chunks, into a CSV or Parquet file")
        {
            modelUri, input, output, rejects, chunkRows, keepColumns, verbose, clientOptions.TrackingUri, clientOptions.DataDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var inputPath = Path.GetFullPath(parse.GetRequiredValue(input), host.WorkingDirectory);
            var outputPath = Path.GetFullPath(parse.GetRequiredValue(output), host.WorkingDirectory);
            var rejectsPath = parse.GetValue(rejects) is { } r ? Path.GetFullPath(r, host.WorkingDirectory) : null;
            foreach (var path in new[] { inputPath, outputPath })
            {
                if (BatchScoringOptions.FormatOf(path) is null)
                {
                    throw new CliException($"'{path}': expected a .csv or .parquet file", ExitCodes.Usage);
                }
            }

            if (!File.Exists(inputPath))
            {
                throw new CliException($"input file not found: {inputPath}");
            }

            var options = new BatchScoringOptions { ChunkRows = parse.GetValue(chunkRows), KeepColumns = parse.GetValue(keepColumns), Time = host.Time };
            using var model = await LoadAsync(parse.GetRequiredValue(modelUri).Trim(), parse, clientOptions, host, ct);
            var cli = new CliOutput(host, OutputFormat.Table);
            var result = await RunAsync(cli, Path.GetFileName(inputPath), progress =>
                BatchScorer.ScoreFileAsync(model, inputPath, outputPath, rejectsPath, options, progress, ct));
            Summarize(cli, result, outputPath, rejectsPath, parse.GetValue(verbose));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<LoadedModel> LoadAsync(string uri, ParseResult parse, ClientOptions clientOptions, CliHost host, CancellationToken ct)
    {
        var folder = Path.GetFullPath(uri.StartsWith("file://", StringComparison.Ordinal) ? new Uri(uri).LocalPath : uri, host.WorkingDirectory);
        if (!uri.Contains(":/", StringComparison.Ordinal) && Directory.Exists(folder))
        {
            return ModelPackage.Load(folder);
        }

        ModelUri.RequireAny(uri);
        var configured = ClientOptions.ConfiguredTrackingUri(parse.GetValue(clientOptions.TrackingUri), host);
        // As for the other client commands: without a tracking URI, the local data dir is served in-process.
        await using var local = configured is null
            ? await LocalServer.StartAsync(
                new StorageOptions(DataDirectory.Resolve(parse.GetValue(clientOptions.DataDir), host)),
                new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, host.Time, ct)
            : null;
        var trackingUri = configured ?? local!.Address;
        using var client = ClientOptions.CreateClient(trackingUri, host);
        LoadedModel? model = null;
        await ClientOptions.CallServerAsync(trackingUri, async () => model = await client.LoadModelAsync(uri, ct), ct);
        return model!;
    }

    private static async Task<BatchScoringResult> RunAsync(CliOutput output, string description, Func<IProgress<BatchProgress>?, Task<BatchScoringResult>> score)
    {
        if (!output.ShowsLiveProgress)
        {
            return await score(null);
        }

        BatchScoringResult? result = null;
        await new Progress(output.Console, output.Time)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"predict {description}"), maxValue: 1);
                var started = output.Time.GetTimestamp();
                result = await score(new BarProgress(task, description, started, output.Time));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Summarize(CliOutput output, BatchScoringResult result, string outputPath, string? rejectsPath, bool verbose)
    {
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"Scored {result.RowsScored:N0} rows, rejected {result.RowsRejected:N0}, in {Format.Duration(result.Elapsed)} ({result.RowsPerSecond:N0} rows/s), to:"));
        output.Line(outputPath);
        if (result.RowsRejected > 0)
        {
            if (rejectsPath is not null)
            {
                output.Line($"Rejected rows and why: {rejectsPath}");
            }
            else
            {
                foreach (var row in result.FirstRejects)
                {
                    output.Line($"  row {Format.Integer(row.Row)}: {row.Reason}");
                }

                if (result.RowsRejected > result.FirstRejects.Count)
                {
                    output.Line("  … (pass --rejects <file.csv> to keep them all)");
                }
            }
        }

        if (verbose)
        {
            using var self = Process.GetCurrentProcess();
            output.Line($"Peak memory: {Format.Bytes(self.PeakWorkingSet64)}");
        }
    }

    /// <summary>Moves the bar by input bytes and shows the rows scored per second in the description.</summary>
    private sealed class BarProgress(ProgressTask task, string description, long started, TimeProvider time) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value)
        {
            task.MaxValue = Math.Max(value.TotalBytes, 1);
            task.Value = Math.Min(value.BytesRead, task.MaxValue);
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            var rate = seconds > 0 ? value.RowsRead / seconds : 0;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"predict {description}: {value.RowsRead:N0} rows, {rate:N0} rows/s"));
        }
    }
}
