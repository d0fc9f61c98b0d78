using System.CommandLine;
using Keel.Cli.Output;
using Keel.Client;
using Keel.Core.Pipelines;
using Keel.Pipelines.Execution;
using Keel.Pipelines.Tracking;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel run [pipeline] [stage…] [-f keel.yaml] [-j N] [--dry-run] [--force] [-S key=value]… [--no-track] [--no-run-cache]</c>:
/// brings a pipeline's stages up to date like <c>dvc repro</c>, with a live status table on a terminal and
/// <c>[stage] …</c> lines otherwise. Tracked as a parent run with one child run per stage when a tracking server is set.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliHost host)
    {
        var targets = new Argument<string[]>("targets")
        {
            Description = "Stages (or foreach templates) to bring up to date with everything upstream [default: all]; the first may be the pipeline's name",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var file = new Option<string>("--file", "-f") { Description = "The pipeline file", DefaultValueFactory = _ => PipelineFile.DefaultFileName };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Stages run at once", DefaultValueFactory = _ => 1 };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--jobs must be at least 1.");
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Print every stage's decision and why; run nothing" };
        var force = new Option<bool>("--force") { Description = "Run the selected stages even when nothing changed" };
        var set = new Option<string[]>("--set", "-S")
        {
            Description = "Override a params.yaml value, e.g. -S train.lr=0.2 (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var noTrack = new Option<bool>("--no-track") { Description = "Do not record tracking runs even when a tracking server is set" };
        var noRunCache = new Option<bool>("--no-run-cache") { Description = "Neither restore outs from the run cache nor save them into it" };
        var trackingUri = new Option<string?>("--tracking-uri")
        {
            Description = "Tracking server recording the run (one child run per stage) and serving dataset deps [default: $KEEL_TRACKING_URI, else $MLFLOW_TRACKING_URI, else untracked]",
        };
        var command = new Command("run", "Run a keel.yaml pipeline: skip up-to-date stages, restore known ones from the run cache, run the rest")
        {
            targets, file, jobs, dryRun, force, set, noTrack, noRunCache, trackingUri,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!, host.WorkingDirectory);
            var pipeline = Load(path, parse.GetValue(set) ?? []);
            var options = new PipelineRunOptions
            {
                Targets = Targets(pipeline.Spec, parse.GetValue(targets) ?? []),
                Jobs = parse.GetValue(jobs),
                DryRun = parse.GetValue(dryRun),
                Force = parse.GetValue(force),
                UseRunCache = !parse.GetValue(noRunCache),
            };
            var uri = ClientOptions.ConfiguredTrackingUri(parse.GetValue(trackingUri), host);
            using var client = uri is null ? null : ClientOptions.CreateClient(uri, host);
            var recorder = client is null || options.DryRun || parse.GetValue(noTrack) ? null : new TrackedPipelineRuns(client, host.Time, host.Variable("KEEL_USER"));
            var executor = new PipelineExecutor(host.Time, client, recorder);
            var output = new CliOutput(host, OutputFormat.Table);
            PipelineRunReport? report = null;
            async Task Execute(IPipelineRunObserver observer) =>
                report = await executor.RunAsync(pipeline, Path.GetDirectoryName(path)!, options, observer, ct);
            if (uri is null)
            {
                await RunCommandOutput.RunAsync(output, options.DryRun, Execute);
            }
            else
            {
                await ClientOptions.CallServerAsync(uri, () => RunCommandOutput.RunAsync(output, options.DryRun, Execute), ct);
            }
            RunCommandOutput.Summary(output, report!, options.DryRun);
            return report!.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static LoadedPipeline Load(string path, IReadOnlyList<string> overrides)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"no pipeline file at {path}; write a keel.yaml or name one with -f");
        }
        var folder = Path.GetDirectoryName(path)!;
        var paramsPath = Path.Combine(folder, "params.yaml");
        var paramsYaml = File.Exists(paramsPath) ? File.ReadAllText(paramsPath) : null;
        return PipelineLoader.Load(File.ReadAllText(path), paramsYaml, overrides, Path.GetFileName(path), Path.GetFileName(folder));
    }

    // `keel run churn train`: the first word may name the pipeline itself, unless a stage is called that too.
    private static string[] Targets(PipelineSpec spec, string[] words)
    {
        if (words.Length > 0 && words[0] == spec.Name && !spec.Stages.Any(s => s.Name == words[0] || s.Name.StartsWith(words[0] + "@", StringComparison.Ordinal)))
        {
            return words[1..];
        }
        return words;
    }
}
