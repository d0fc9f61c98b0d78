using System.CommandLine;
using Keel.Cli.Hosting;
using Keel.Cli.Output;
using Keel.Cli.Quickstart;
using Keel.Cli.Quickstart.Retraining;
using Keel.Client;
using Keel.Server;
using Keel.Storage;
using Spectre.Console;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel quickstart</c>: trains a small FastTree sweep on real data and tracks it, against the given server or
/// an embedded one over the local data dir, so <c>keel server</c> + <c>keel runs list</c> show it afterwards.
/// </summary>
internal static class QuickstartCommand
{
    public const string DefaultExperiment = "quickstart";

    public static Command Create(CliHost host)
    {
        var trackingUri = new Option<string?>("--tracking-uri")
        {
            Description = "Tracking server to log to [default: $KEEL_TRACKING_URI, else $MLFLOW_TRACKING_URI, else an embedded server over --data-dir]",
        };
        var experiment = new Option<string>("--experiment")
        {
            Description = "Experiment to log the runs to (created when missing)",
            DefaultValueFactory = _ => DefaultExperiment,
        };
        var modelName = new Option<string>("--model-name")
        {
            Description = "Registered model the best run's model becomes the next version of (alias 'champion')",
            DefaultValueFactory = _ => ChampionModel.DefaultModelName,
        };
        var alertWebhook = new Option<Uri?>("--alert-webhook")
        {
            Description = "Also post the monitor's alerts to this URL (a JSON POST per alert; the server must allow the address, see `keel server --allow-private-webhooks`)",
            CustomParser = ParseWebhook,
        };
        var dataDir = DataDirectory.CreateOption();
        dataDir.Description += " (embedded server only)";
        var command = new Command("quickstart", "Train and track a sweep of ML.NET classifiers on the Wisconsin breast-cancer data, register the best and score with it")
        {
            trackingUri, experiment, modelName, alertWebhook, dataDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(host, OutputFormat.Table);
            var started = host.Time.GetTimestamp();
            var flag = parse.GetValue(trackingUri);
            var experimentName = parse.GetRequiredValue(experiment);
            var model = parse.GetRequiredValue(modelName);
            var webhook = parse.GetValue(alertWebhook);

            output.MarkupLine($"[bold]Keel quickstart[/]: {SweepSetting.Grid.Count} FastTree classifiers on the Wisconsin breast-cancer data set.");
            if (ClientOptions.ConfiguredTrackingUri(flag, host) is { } uri)
            {
                // A folder per run: two quickstarts at once (or a newer Keel's cache format) must never share a data cache.
                var work = Path.Combine(Path.GetTempPath(), "keel-quickstart", Guid.NewGuid().ToString("N")[..12]);
                var outcome = await RunAsync(output, host, uri, experimentName, model, work, webhook, ct);
                Report(output, outcome, InspectCommands.Remote(uri, fromFlag: flag is not null, experimentName));
            }
            else
            {
                var dataDirectory = DataDirectory.Resolve(parse.GetValue(dataDir), host);
                await using var server = await LocalServer.StartAsync(
                    new StorageOptions(dataDirectory), new KeelServerOptions { Host = "127.0.0.1", Port = 0 }, host.Time, ct);
                output.Line($"Started an embedded tracking server at {server.Address} over {dataDirectory}");
                var outcome = await RunAsync(output, host, server.Address, experimentName, model, dataDirectory, webhook, ct);
                Report(output, outcome, InspectCommands.Local(dataDirectory, host, experimentName));
            }

            output.Line($"Done in {Format.Duration(host.Time.GetElapsedTime(started))}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<QuickstartOutcome> RunAsync(
        CliOutput output, CliHost host, Uri trackingUri, string experimentName, string modelName, string workDirectory, Uri? webhook, CancellationToken ct)
    {
        var results = new List<SweepResult>();
        Champion? champion = null;
        IReadOnlyList<ServedAnswer>? answers = null;
        MonitorOutcome? monitored = null;
        RetrainingOutcome? retrained = null;
        string? experimentIdFound = null;
        using var client = ClientOptions.CreateClient(trackingUri, host);
        await ClientOptions.CallServerAsync(trackingUri, async () =>
        {
            var experimentId = await ExperimentIdAsync(client, experimentName, ct);
            experimentIdFound = experimentId;
            var dataset = await BreastCancerDataset.WriteToAsync(Path.Combine(workDirectory, "datasets"), ct);
            output.Line($"Logging to {trackingUri}, experiment '{experimentName}' (id {experimentId})");
            output.Line($"Data: {dataset.Rows} rows x {dataset.FeatureNames.Count} features from {dataset.Path}");
            var versioned = await QuickstartData.VersionAsync(client, dataset, host.Time, ct);
            dataset.Digest = versioned.ManifestHash;
            output.Line($"Data versioned: dataset '{BreastCancerDataset.Name}' version {versioned.Version}, manifest {versioned.ManifestHash[..12]}…"
                + $" ({Format.Integer(versioned.ObjectsSent)} objects pushed; pointer {versioned.PointerPath})");
            var trainer = new BreastCancerTrainer(dataset);
            var sweep = new QuickstartSweep(client, dataset, trainer, host.Time);
            await TrainAllAsync(output, sweep, experimentId, results, ct);
            var best = Best(results);
            champion = await ChampionModel.RegisterAndScoreAsync(client, modelName, best, trainer, ct);
            await using var served = await QuickstartServing.ServeAndCallAsync(client, champion, trainer, host.Time, ct);
            answers = served.Answers;
            output.Line($"Sent {served.Traffic.NormalRows} held-out rows, then the same rows drifted (every feature x1.6), to the served champion; every prediction logged");
            await served.FinishLoggingAsync(ct);
            var monitorName = QuickstartMonitoring.MonitorName(champion);
            var retraining = await QuickstartRetraining.RegisterAsync(client, champion, best.Setting, dataset, trainer, monitorName, workDirectory, host.Time, ct);
            output.Line($"The drifted rows came back labelled: dataset '{BreastCancerDataset.Name}' version {retraining.DatasetVersion} (+{retraining.LabelledRows} rows); "
                + $"registered pipeline '{retraining.Pipeline}', triggered by monitor '{monitorName}' alerts");
            monitored = await QuickstartMonitoring.RunAsync(client, champion, served.Traffic, webhook, Path.Combine(workDirectory, "reports"), host.Time, ct);
            output.Line($"Monitor '{monitorName}' alerted; following the retraining it triggered…");
            retrained = await QuickstartRetraining.FollowAsync(client, retraining, champion, served, monitored, host.Time, ct);
        }, ct);
        return new QuickstartOutcome(results, champion!, answers!, monitored!, retrained!, experimentIdFound!);
    }

    private static Uri? ParseWebhook(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"--alert-webhook must be an absolute http or https URL, not '{text}'.");
        return null;
    }

    // Best by test AUC; the lower test log-loss breaks ties, since several settings separate this data perfectly.
    private static SweepResult Best(IEnumerable<SweepResult> results) => Ranked(results)[0];

    private static List<SweepResult> Ranked(IEnumerable<SweepResult> results) =>
        [.. results.OrderByDescending(r => r.Test.Auc).ThenBy(r => r.Test.LogLoss)];

    private static async Task<string> ExperimentIdAsync(KeelClient client, string name, CancellationToken ct)
    {
        if (await client.GetExperimentByNameAsync(name, ct) is { LifecycleStage: "deleted" } deleted)
        {
            throw new CliException(
                $"experiment '{name}' (id {deleted.ExperimentId}) is deleted; restore it with `keel experiments restore {deleted.ExperimentId}` or pass --experiment NAME");
        }

        return await client.GetOrCreateExperimentAsync(name, ct);
    }

    private static async Task TrainAllAsync(CliOutput output, QuickstartSweep sweep, string experimentId, List<SweepResult> results, CancellationToken ct)
    {
        var settings = SweepSetting.Grid;
        if (!output.ShowsLiveProgress)
        {
            foreach (var setting in settings)
            {
                results.Add(await sweep.RunAsync(experimentId, setting, ct));
                output.Line($"  [{results.Count}/{settings.Count}] {Describe(results[^1])}");
            }

            return;
        }

        await new Progress(output.Console, output.Time)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Training", maxValue: settings.Count);
                foreach (var setting in settings)
                {
                    task.Description = $"Training {Markup.Escape(setting.RunName)}";
                    results.Add(await sweep.RunAsync(experimentId, setting, ct));
                    output.Line($"  [{results.Count}/{settings.Count}] {Describe(results[^1])}");
                    task.Increment(1);
                }

                task.Description = "Trained";
            });
    }

    private static string Describe(SweepResult result) =>
        $"{result.Setting.RunName,-24} test_auc {Format.Number(result.Test.Auc),-9} test_accuracy {Format.Number(result.Test.Accuracy),-9} " +
        $"({Format.Duration(result.Elapsed)}, run {result.RunId})";

    private static void Report(CliOutput output, QuickstartOutcome outcome, InspectCommands inspect)
    {
        var results = outcome.Results;
        var ranked = Ranked(results);
        var best = ranked[0];

        var table = new Table().Title("[bold]Runs[/] (metrics on the held-out test split; positive class: malignant)")
            .AddColumns(" ", "Run", "Run ID", "trees", "learning rate", "leaves", "test_auc", "test_accuracy", "test_f1", "test_log_loss", "test_precision", "test_recall");
        for (var i = 3; i < table.Columns.Count; i++)
        {
            table.Columns[i].RightAligned();
        }

        foreach (var result in results)
        {
            var isBest = result == best;
            var style = isBest ? "green bold" : "default";
            string[] cells =
            [
                isBest ? "*" : "",
                result.Setting.RunName,
                result.RunId,
                Format.Integer(result.Setting.NumberOfTrees),
                Format.Number(result.Setting.LearningRate),
                Format.Integer(result.Setting.NumberOfLeaves),
                Format.Number(result.Test.Auc),
                Format.Number(result.Test.Accuracy),
                Format.Number(result.Test.F1),
                Format.Number(result.Test.LogLoss),
                Format.Number(result.Test.Precision),
                Format.Number(result.Test.Recall),
            ];
            table.AddRow([.. cells.Select(c => $"[{style}]{Markup.Escape(c)}[/]")]);
        }

        output.Line();
        output.Write(table);
        output.MarkupLine(
            $"[bold]Best run by test AUC[/]: [green]{Markup.Escape(best.Setting.RunName)}[/] ({best.RunId}): test_auc {Format.Number(best.Test.Auc)}, " +
            $"test_log_loss {Format.Number(best.Test.LogLoss)}, test_accuracy {Format.Number(best.Test.Accuracy)}");
        ReportChampion(output, outcome.Champion);
        ReportServing(output, outcome.Answers);
        QuickstartMonitorReport.Write(output, outcome.Monitoring);
        QuickstartRetrainingReport.Write(output, outcome.Retraining);
        output.Line();
        output.Line("Inspect the runs and the model:");
        foreach (var line in inspect.Lines(best.RunId, ranked[1].RunId, outcome.Champion, outcome.Monitoring.Monitor, outcome.Retraining.Setup.Pipeline))
        {
            output.Line("  " + line);
        }

        output.Line();
        foreach (var line in inspect.UiLines(outcome.ExperimentId, outcome.Champion, outcome.Monitoring.Monitor))
        {
            output.Line(line);
        }
    }

    private static void ReportChampion(CliOutput output, Champion champion)
    {
        output.Line();
        output.MarkupLine(
            $"[bold]Registered[/] the best run's model as [green]{Markup.Escape(champion.ModelName)}[/] version {champion.Version}, alias '{ChampionModel.Alias}'.");
        output.Line($"Loaded {champion.ModelUri} back ({champion.Flavor} flavor) and scored {champion.Scored.Count} held-out rows:");
        var table = new Table().AddColumns("Row", "Truth", "Predicted", "P(malignant)");
        table.Columns[3].RightAligned();
        foreach (var row in champion.Scored)
        {
            var style = row.Malignant == row.PredictedMalignant ? "green" : "red";
            table.AddRow(
                Format.Integer(row.Row),
                Diagnosis(row.Malignant),
                $"[{style}]{Diagnosis(row.PredictedMalignant)}[/]",
                Format.Number(row.Probability));
        }

        output.Write(table);
    }

    private static void ReportServing(CliOutput output, IReadOnlyList<ServedAnswer> answers)
    {
        output.Line();
        output.MarkupLine("[bold]Served[/] the champion on a free loopback port (as `keel serve` does) and called it over both REST protocols:");
        foreach (var answer in answers)
        {
            output.Line($"  {answer.Protocol}: POST {answer.Url} -> answered by {answer.AnsweredBy}");
            output.Line(answer.Body);
        }
    }

    private static string Diagnosis(bool malignant) => malignant ? "malignant" : "benign";
}

/// <summary>What a quickstart left behind: the sweep's runs, the champion registered from the best of them, its traffic and its monitor.</summary>
internal sealed record QuickstartOutcome(
    IReadOnlyList<SweepResult> Results, Champion Champion, IReadOnlyList<ServedAnswer> Answers, MonitorOutcome Monitoring, RetrainingOutcome Retraining,
    string ExperimentId);
