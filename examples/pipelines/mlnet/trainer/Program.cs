using System.Globalization;
using System.Text.Json;
using Keel.Client;
using Keel.Client.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

// Usage: Trainer train --data raw.csv --trees N --learning-rate R --leaves L --seed S --model out.zip --metrics out.json
//        Trainer register --candidates a.zip,b.zip --name MODEL --version-file out.txt
// The last CSV column is the boolean label; every other column is a float feature.
if (args.Length > 0 && args[0] == "register")
{
    return await RegisterBestAsync(ParseOptions(args));
}

var options = ParseOptions(args);
var ml = new MLContext(seed: int.Parse(options["--seed"], CultureInfo.InvariantCulture));
var header = File.ReadLines(options["--data"]).First().Split(',');
var columns = header[..^1].Select((name, index) => new TextLoader.Column(name, DataKind.Single, index))
    .Append(new TextLoader.Column("Label", DataKind.Boolean, header.Length - 1))
    .ToArray();
var data = ml.Data.LoadFromTextFile(options["--data"], columns, separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 7);

var pipeline = ml.Transforms.Concatenate("Features", header[..^1])
    .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
    {
        NumberOfTrees = int.Parse(options["--trees"], CultureInfo.InvariantCulture),
        LearningRate = double.Parse(options["--learning-rate"], CultureInfo.InvariantCulture),
        NumberOfLeaves = int.Parse(options["--leaves"], CultureInfo.InvariantCulture),
    }));
var model = pipeline.Fit(split.TrainSet);
var test = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options["--model"]))!);
ml.Model.Save(model, data.Schema, options["--model"]);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options["--metrics"]))!);
var metrics = new Dictionary<string, double>
{
    ["test_auc"] = test.AreaUnderRocCurve,
    ["test_accuracy"] = test.Accuracy,
    ["test_f1"] = test.F1Score,
    ["test_log_loss"] = test.LogLoss,
};
File.WriteAllText(options["--metrics"], JsonSerializer.Serialize(metrics));
Console.WriteLine($"test_auc {test.AreaUnderRocCurve:F4} test_accuracy {test.Accuracy:F4}");
return 0;

// Registers the candidate with the best test AUC (its metrics file sits beside it in metrics/) as the next version
// of --name, through the Keel SDK: KEEL_TRACKING_URI is set by `keel run` (and by the server's workers).
static async Task<int> RegisterBestAsync(Dictionary<string, string> options)
{
    var best = options["--candidates"].Split(',')
        .Select(model => (Model: model, Metrics: JsonSerializer.Deserialize<Dictionary<string, double>>(
            File.ReadAllText(Path.Combine("metrics", Path.GetFileNameWithoutExtension(model).Replace("model-", "train-", StringComparison.Ordinal) + ".json")))!))
        .MaxBy(c => c.Metrics["test_auc"]);
    var trackingUri = KeelClient.TrackingUriFromEnvironment() ?? throw new InvalidOperationException("set KEEL_TRACKING_URI");
    using var client = new KeelClient(trackingUri);
    var experimentId = await client.GetOrCreateExperimentAsync("breast-cancer-mlnet");
    await using var run = await client.StartRunAsync(experimentId, Path.GetFileNameWithoutExtension(best.Model));
    foreach (var (key, value) in best.Metrics)
    {
        run.LogMetric(key, value);
    }

    var ml = new MLContext();
    var model = ml.Model.Load(best.Model, out var schema);
    var logged = await run.LogModelAsync(model, schema, new LogModelOptions { RegisteredModelName = options["--name"] });
    await run.EndAsync();
    File.WriteAllText(options["--version-file"], logged.RegisteredVersion!.Version);
    Console.WriteLine($"registered {best.Model} (test_auc {best.Metrics["test_auc"]:F4}) as {options["--name"]} version {logged.RegisteredVersion.Version}");
    return 0;
}

static Dictionary<string, string> ParseOptions(string[] args)
{
    if (args.Length == 0 || args[0] is not ("train" or "register") || args.Length % 2 != 1)
    {
        throw new ArgumentException("usage: Trainer train --data F --trees N --learning-rate R --leaves L --seed S --model F --metrics F | Trainer register --candidates A,B --name M --version-file F");
    }

    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 1; i < args.Length; i += 2)
    {
        options[args[i]] = args[i + 1];
    }

    return options;
}
