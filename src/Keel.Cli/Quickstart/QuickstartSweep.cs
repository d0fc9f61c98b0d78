using System.Globalization;
using Keel.Client;
using Keel.Client.Models;

namespace Keel.Cli.Quickstart;

/// <summary>What one finished sweep run left behind.</summary>
internal sealed record SweepResult(SweepSetting Setting, string RunId, TestMetrics Test, TimeSpan Elapsed);

/// <summary>
/// Trains each sweep setting as one tracked run: params, the dataset input, a step-indexed learning curve,
/// test-split metrics and the model as a package under <c>model/</c> (ML.NET, plus an ONNX export checked against it).
/// </summary>
internal sealed class QuickstartSweep(KeelClient client, BreastCancerDataset dataset, BreastCancerTrainer trainer, TimeProvider time)
{
    public const string ModelArtifactDirectory = "model";

    // Five held-out rows travel with each package: the input example MLflow shows, and the rows the ONNX export is checked on.
    private const int ExampleRows = 5;

    public async Task<SweepResult> RunAsync(string experimentId, SweepSetting setting, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var tags = new Dictionary<string, string>
        {
            ["mlflow.source.name"] = "keel quickstart",
            ["mlflow.source.type"] = "LOCAL",
            ["estimator_name"] = "FastTreeBinaryTrainer",
            ["estimator_class"] = typeof(Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer).FullName!,
        };
        await using var run = await client.StartRunAsync(experimentId, setting.RunName, tags, ct);
        try
        {
            await run.LogParamsAsync(Params(setting), ct);
            await client.LogInputsAsync(run.RunId, [dataset.ToTrainingInput()], ct);

            var trained = trainer.Train(setting);
            foreach (var point in trained.LearningCurve)
            {
                run.LogMetric("train_log_loss", point.TrainLogLoss, point.Trees);
                run.LogMetric("valid_log_loss", point.ValidationLogLoss, point.Trees);
                run.LogMetric("valid_auc", point.ValidationAuc, point.Trees);
            }

            var test = trained.Test;
            run.LogMetric("test_accuracy", test.Accuracy);
            run.LogMetric("test_auc", test.Auc);
            run.LogMetric("test_f1", test.F1);
            run.LogMetric("test_log_loss", test.LogLoss);
            run.LogMetric("test_precision", test.Precision);
            run.LogMetric("test_recall", test.Recall);
            await run.FlushAsync(ct);

            await run.LogModelAsync(trained.Model, trainer.InputSchema, new LogModelOptions
            {
                ArtifactPath = ModelArtifactDirectory,
                InputExample = trainer.TestExample(ExampleRows).Features,
                ExportOnnx = true,
            }, ct);
            await run.EndAsync(ct: ct);
            return new SweepResult(setting, run.RunId, test, time.GetElapsedTime(started));
        }
        catch
        {
            run.MarkFailed();
            throw;
        }
    }

    private Dictionary<string, string> Params(SweepSetting setting) => new()
    {
        ["trainer"] = "FastTree",
        ["number_of_trees"] = Invariant(setting.NumberOfTrees),
        ["learning_rate"] = Invariant(setting.LearningRate),
        ["number_of_leaves"] = Invariant(setting.NumberOfLeaves),
        ["minimum_example_count_per_leaf"] = Invariant(BreastCancerTrainer.MinimumExampleCountPerLeaf),
        ["seed"] = Invariant(BreastCancerTrainer.Seed),
        ["train_rows"] = Invariant(trainer.TrainRows),
        ["validation_rows"] = Invariant(trainer.ValidationRows),
        ["test_rows"] = Invariant(trainer.TestRows),
        ["positive_class"] = "malignant",
    };

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
