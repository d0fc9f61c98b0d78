using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Keel.Cli.Output;
using Keel.Core.Common;
using Keel.Core.Data.Chunking;
using Keel.Data.Add;
using Keel.Data.Repository;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel data add &lt;path&gt;… [--dataset NAME] [--avg-chunk-size 1MiB] [--jobs N]</c>: chunk and hash files and
/// folders into <c>.keel/cache</c> and write a pointer file beside each, with a byte-count bar on a terminal.
/// </summary>
internal static class DataAddCommand
{
    public static Command Create(ClientOptions options, CliHost host)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or folders inside the repository to track",
            Arity = ArgumentArity.OneOrMore,
        };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset name to write into the pointer files [default: none, or the name they already have]" };
        var averageChunk = new Option<string?>("--avg-chunk-size")
        {
            Description = "Average chunk size for new or changed files, e.g. 512KiB, 1MiB, 4M (K and M are 1024-based) [default: 1MiB; min and max are a quarter and four times it]",
        };
        averageChunk.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && ChunkerFor(text) is null)
            {
                result.AddError($"--avg-chunk-size '{text}' is not a size from {ChunkerOptions.SmallestAverageSize} B to {ChunkerOptions.LargestMaxSize / 4 >> 20}MiB such as 1MiB.");
            }
        });
        var jobs = new Option<int?>("--jobs", "-j") { Description = "Files hashed at once [default: the number of cores]" };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--jobs must be at least 1.");
            }
        });
        var command = new Command("add", "Track files or folders: store their chunks in .keel/cache and write <name>.keel pointer files to commit")
        {
            paths, dataset, averageChunk, jobs,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, options.GetFormat(parse));
            var adder = new DataAdder(DataRepository.Discover(host.WorkingDirectory), new DataAddOptions
            {
                Chunker = parse.GetValue(averageChunk) is { } text ? ChunkerFor(text)! : ChunkerOptions.Default,
                MaxDegreeOfParallelism = parse.GetValue(jobs) ?? Environment.ProcessorCount,
                Dataset = parse.GetValue(dataset),
                Time = host.Time,
            });
            var targets = parse.GetRequiredValue(paths);
            var results = await RunAsync(output, progress => adder.Add(targets, host.WorkingDirectory, progress, ct), ct);
            Write(output, results);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Chunk limits for an average written like <c>1MiB</c>, <c>512K</c> or <c>65536</c>; null when it is not one.</summary>
    internal static ChunkerOptions? ChunkerFor(string text)
    {
        var trimmed = text.Trim();
        var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
        var scale = trimmed[digits..].ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            _ => 0L,
        };
        if (digits == 0 || scale == 0 || !long.TryParse(trimmed[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value > int.MaxValue / scale)
        {
            return null;
        }
        try
        {
            return ChunkerOptions.ForAverage((int)(value * scale));
        }
        catch (KeelException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<DataAddResult>> RunAsync(
        CliOutput output, Func<IProgress<DataAddProgress>?, IReadOnlyList<DataAddResult>> add, CancellationToken ct)
    {
        if (!output.ShowsLiveProgress)
        {
            return add(null);
        }
        IReadOnlyList<DataAddResult> results = [];
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
                var task = context.AddTask("hashing", maxValue: 1);
                results = await Task.Run(() => add(new BarProgress(task)), ct);
                task.Value = task.MaxValue;
            });
        return results;
    }

    private static void Write(CliOutput output, IReadOnlyList<DataAddResult> results)
    {
        if (output.IsJson)
        {
            output.WriteJson(new JsonObject
            {
                ["added"] = new JsonArray([.. results.Select(r => new JsonObject
                {
                    ["path"] = r.RelativePath,
                    ["pointer"] = r.RelativePath + ".keel",
                    ["manifest"] = r.ManifestHash,
                    ["size"] = r.Size,
                    ["files"] = r.FileCount,
                    ["bytes_hashed"] = r.BytesHashed,
                    ["bytes_unchanged"] = r.BytesReused,
                    ["new_chunks"] = r.NewChunks,
                    ["new_chunk_bytes"] = r.NewChunkBytes,
                    ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 3),
                })]),
            });
            return;
        }
        foreach (var r in results)
        {
            var files = r.FileCount == 1 ? "1 file" : $"{Format.Integer(r.FileCount)} files";
            var speed = r.Elapsed > TimeSpan.Zero ? $", {Format.Bytes((long)(r.Size / r.Elapsed.TotalSeconds))}/s" : "";
            output.Line($"Wrote {r.RelativePath}.keel: {Format.Bytes(r.Size)} in {files}; {Format.Bytes(r.NewChunkBytes)} new "
                + $"({Format.Integer(r.NewChunks)} chunks), {Format.Bytes(r.BytesHashed)} hashed, {Format.Bytes(r.BytesReused)} unchanged; "
                + $"{Format.Duration(r.Elapsed)}{speed}");
        }
        if (results.Count > 0)
        {
            output.Line("Commit the .keel files (and .gitignore) to git; the data itself stays out of git.");
        }
    }

    /// <summary>Moves the bar as workers report; reports from several threads may arrive out of order, so it never moves back.</summary>
    private sealed class BarProgress(ProgressTask task) : IProgress<DataAddProgress>
    {
        private long _highest;

        public void Report(DataAddProgress value)
        {
            task.MaxValue = Math.Max(value.TotalBytes, 1);
            if (InterlockedMax(ref _highest, value.BytesDone))
            {
                task.Value = Math.Min(value.BytesDone, task.MaxValue);
            }
        }

        private static bool InterlockedMax(ref long target, long value)
        {
            for (var seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
