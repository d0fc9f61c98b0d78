using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keel.Cli.Commands;
using Keel.Client;
using Keel.Client.Models;
using Keel.Contracts.Mlflow;

namespace Keel.Cli.Quickstart.Retraining;

/// <summary>
/// <c>keel quickstart-stage prepare|train|evaluate</c>: the programs the quickstart's retraining pipeline runs as its
/// stages (keel.yaml's <c>cmd</c>s), so the loop needs no Python. Hidden: they exist for that pipeline, not for people.
/// </summary>
internal static class RetrainStageCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("quickstart-stage", "Stages of the quickstart's retraining pipeline") { Hidden = true };
        command.Subcommands.Add(Prepare(host));
        command.Subcommands.Add(Train(host));
        command.Subcommands.Add(Evaluate(host));
        return command;
    }

    private static Command Prepare(CliHost host)
    {
        var input = new Option<string>("--input") { Required = true, Description = "The labelled CSV (the dataset version)" };
        var train = new Option<string>("--train") { Required = true, Description = "Where the training rows go" };
        var holdout = new Option<string>("--holdout") { Required = true, Description = "Where the hold-out rows go" };
        var fraction = new Option<double>("--holdout-fraction") { DefaultValueFactory = _ => 0.25, Description = "Share of rows held out" };
        var command = new Command("prepare", "Split the data into train and hold-out rows") { input, train, holdout, fraction };
        command.SetAction(async (parse, ct) =>
        {
            var result = await RetrainSplit.WriteAsync(
                parse.GetRequiredValue(input), parse.GetRequiredValue(train), parse.GetRequiredValue(holdout), parse.GetValue(fraction), ct);
            host.Out.WriteLine($"train {result.TrainRows} rows, hold-out {result.HoldoutRows} rows");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Train(CliHost host)
    {
        var data = new Option<string>("--data") { Required = true, Description = "Training CSV" };
        var dataset = new Option<string>("--dataset") { Required = true, Description = "Registered dataset the data is the newest version of (recorded as the run's input)" };
        var model = new Option<string>("--model-name") { Required = true, Description = "Registered model the trained model becomes the next version of" };
        var experiment = new Option<string>("--experiment") { DefaultValueFactory = _ => QuickstartCommand.DefaultExperiment, Description = "Experiment of the training run" };
        var trees = new Option<int>("--trees") { Required = true };
        var rate = new Option<double>("--learning-rate") { Required = true };
        var leaves = new Option<int>("--leaves") { Required = true };
        var replaces = new Option<long>("--replaces") { Required = true, Description = "The champion version this candidate challenges (recorded on the run)" };
        var versionFile = new Option<string>("--version-file") { Required = true, Description = "Where the registered version number is written" };
        var metrics = new Option<string>("--metrics") { Required = true, Description = "Where the test metrics are written (JSON)" };
        var command = new Command("train", "Train FastTree on the data, log the run, register the model as a new version")
        {
            data, dataset, model, experiment, trees, rate, leaves, replaces, versionFile, metrics,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var client = RequiredClient(host);
            var table = await BreastCancerDataset.ReadAsync(parse.GetRequiredValue(data), ct);
            table.Digest = await NewestManifestAsync(client, parse.GetRequiredValue(dataset), ct);
            var trainer = new BreastCancerTrainer(table);
            var experimentId = await client.GetOrCreateExperimentAsync(parse.GetRequiredValue(experiment), ct);
            var setting = new SweepSetting(parse.GetValue(trees), parse.GetValue(rate), parse.GetValue(leaves));
            var result = await new QuickstartSweep(client, table, trainer, host.Time).RunAsync(experimentId, setting, ct);
            var name = parse.GetRequiredValue(model);
            await client.SetTagAsync(result.RunId, "keel.challenges", $"{name} version {parse.GetValue(replaces)}", ct);
            var registered = await client.CreateModelVersionAsync(
                name, $"runs:/{result.RunId}/{QuickstartSweep.ModelArtifactDirectory}", result.RunId,
                $"Retrained by the quickstart's pipeline on {table.Rows} rows after a drift alert: {setting.RunName}.", ct: ct);
            await WriteAsync(parse.GetRequiredValue(versionFile), registered.Version, ct);
            await WriteAsync(parse.GetRequiredValue(metrics), JsonSerializer.Serialize(new Dictionary<string, double>
            {
                ["test_accuracy"] = result.Test.Accuracy,
                ["test_auc"] = result.Test.Auc,
                ["test_log_loss"] = result.Test.LogLoss,
            }), ct);
            host.Out.WriteLine($"registered {name} version {registered.Version} from run {result.RunId}: test_auc {result.Test.Auc:F4}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Evaluate(CliHost host)
    {
        var data = new Option<string>("--data") { Required = true, Description = "Hold-out CSV" };
        var model = new Option<string>("--model-name") { Required = true };
        var versionFile = new Option<string>("--version-file") { Required = true, Description = "File holding the candidate's version number" };
        var output = new Option<string>("--metrics") { Required = true, Description = "Where the metrics are written (JSON)" };
        var command = new Command("evaluate", "Score the candidate and the champion on the hold-out rows") { data, model, versionFile, output };
        command.SetAction(async (parse, ct) =>
        {
            using var client = RequiredClient(host);
            var holdout = await LabelledCsv.ReadAsync(parse.GetRequiredValue(data), ct);
            var name = parse.GetRequiredValue(model);
            var version = (await File.ReadAllTextAsync(parse.GetRequiredValue(versionFile), ct)).Trim();
            var scores = new Dictionary<string, double>();
            foreach (var (role, uri) in new[] { ("candidate", $"models:/{name}/{version}"), ("champion", $"models:/{name}@{ChampionModel.Alias}") })
            {
                using var loaded = await client.LoadModelAsync(uri, ct);
                var predictions = loaded.Predict(holdout.Features);
                var predicted = predictions["PredictedLabel"].As<bool>();
                var probability = predictions["Probability"].As<float>().Select(p => (double)p).ToArray();
                scores[$"{role}_accuracy"] = predicted.Zip(holdout.Malignant).Count(p => p.First == p.Second) / (double)predicted.Length;
                scores[$"{role}_auc"] = BinaryMetrics.Auc(probability, holdout.Malignant);
            }

            await WriteAsync(parse.GetRequiredValue(output), JsonSerializer.Serialize(scores), ct);
            host.Out.WriteLine(string.Join(", ", scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value:F4}"))));
            return ExitCodes.Success;
        });
        return command;
    }

    private static KeelClient RequiredClient(CliHost host) =>
        ClientOptions.ConfiguredTrackingUri(null, host) is { } uri
            ? ClientOptions.CreateClient(uri, host)
            : throw new CliException("set KEEL_TRACKING_URI: the stage logs to the tracking server that runs the pipeline");

    private static async Task<string> NewestManifestAsync(KeelClient client, string dataset, CancellationToken ct)
    {
        var versions = await client.ListDatasetVersionsAsync(dataset, ct: ct);
        return versions.DatasetVersions.OrderByDescending(v => v.Version).FirstOrDefault()?.ManifestHash
            ?? throw new CliException($"dataset '{dataset}' has no version");
    }

    private static async Task WriteAsync(string path, string text, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text, ct);
    }
}
