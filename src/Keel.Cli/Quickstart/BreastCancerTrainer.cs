using System.Globalization;
using Keel.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;

namespace Keel.Cli.Quickstart;

/// <summary>One point of the sweep: the FastTree hyper-parameters a run tries.</summary>
internal sealed record SweepSetting(int NumberOfTrees, double LearningRate, int NumberOfLeaves)
{
    /// <summary>2 × 2 × 2 settings: few and shallow trees against many and deep, slow learning against fast.</summary>
    public static IReadOnlyList<SweepSetting> Grid { get; } =
    [
        .. from trees in new[] { 50, 200 }
           from rate in new[] { 0.05, 0.2 }
           from leaves in new[] { 4, 16 }
           select new SweepSetting(trees, rate, leaves),
    ];

    public string RunName => string.Create(CultureInfo.InvariantCulture, $"fasttree-{NumberOfTrees}t-lr{LearningRate}-{NumberOfLeaves}l");
}

/// <summary>Log-loss and AUC of the ensemble made of the first <see cref="Trees"/> trees.</summary>
internal sealed record LearningCurvePoint(int Trees, double TrainLogLoss, double ValidationLogLoss, double ValidationAuc);

/// <summary>The final model on the held-out test split; the positive class is malignant.</summary>
internal sealed record TestMetrics(double Accuracy, double Auc, double F1, double LogLoss, double Precision, double Recall);

internal sealed record TrainedModel(ITransformer Model, IReadOnlyList<LearningCurvePoint> LearningCurve, TestMetrics Test);

/// <summary>
/// Trains FastTree binary classifiers on the breast-cancer data, split once (with a fixed seed) into train,
/// validation and test rows, and traces each model's learning curve by scoring its growing ensemble.
/// </summary>
internal sealed class BreastCancerTrainer
{
    public const int Seed = 42;
    public const double TestFraction = 0.2;
    public const double ValidationFraction = 0.2;
    public const int MinimumExampleCountPerLeaf = 10;

    private const string Features = "Features";
    private const string Label = "Label";

    private readonly MLContext _ml = new(seed: Seed);
    private readonly IDataView _train;
    private readonly IDataView _test;
    private readonly DataViewSchema _inputSchema;
    private readonly string[] _featureNames;
    private readonly Split _trainRows;
    private readonly Split _validationRows;

    public BreastCancerTrainer(BreastCancerDataset dataset)
    {
        _featureNames = [.. dataset.FeatureNames];
        var columns = _featureNames
            .Select((name, index) => new TextLoader.Column(name, DataKind.Single, index))
            .Append(new TextLoader.Column(Label, DataKind.Boolean, _featureNames.Length))
            .ToArray();
        var all = _ml.Data.LoadFromTextFile(dataset.Path, columns, separatorChar: ',', hasHeader: true);
        _inputSchema = all.Schema;

        var trainTest = _ml.Data.TrainTestSplit(all, TestFraction, seed: Seed);
        var trainValidation = _ml.Data.TrainTestSplit(trainTest.TrainSet, ValidationFraction, seed: Seed);
        _train = _ml.Data.Cache(trainValidation.TrainSet);
        _test = _ml.Data.Cache(trainTest.TestSet);

        var featurizer = Featurizer().Fit(_train);
        _trainRows = Split.Read(featurizer.Transform(_train));
        _validationRows = Split.Read(featurizer.Transform(_ml.Data.Cache(trainValidation.TestSet)));
        TestRows = _test.GetColumn<bool>(Label).Count();
    }

    public int TrainRows => _trainRows.Labels.Length;

    public int ValidationRows => _validationRows.Labels.Length;

    public int TestRows { get; }

    public TrainedModel Train(SweepSetting setting)
    {
        var trainer = _ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = setting.NumberOfTrees,
            LearningRate = setting.LearningRate,
            NumberOfLeaves = setting.NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            Seed = Seed,

            // One thread keeps the trees, and so every logged number, identical from run to run.
            NumberOfThreads = 1,
        });
        var model = Featurizer().Append(trainer).Fit(_train);
        var predictor = model.LastTransformer.Model;
        var curve = LearningCurve(predictor.SubModel.TrainedTreeEnsemble, predictor.Calibrator);
        return new TrainedModel(model, curve, Evaluate(model.Transform(_test)));
    }

    /// <summary>The schema the models read: the CSV's columns (the label is optional when scoring).</summary>
    public DataViewSchema InputSchema => _inputSchema;

    /// <summary>The first <paramref name="count"/> held-out test rows as model input, with their true labels.</summary>
    public (DataBatch Features, bool[] Malignant) TestExample(int count)
    {
        var columns = _featureNames.Select(name => DataColumn.Of(name, _test.GetColumn<float>(name).Take(count).ToArray())).ToList();
        return (new DataBatch(columns), [.. _test.GetColumn<bool>(Label).Take(count)]);
    }

    private ColumnConcatenatingEstimator Featurizer() => _ml.Transforms.Concatenate(Features, _featureNames);

    private TestMetrics Evaluate(IDataView scored)
    {
        var metrics = _ml.BinaryClassification.Evaluate(scored, Label);
        var probabilities = scored.GetColumn<float>("Probability").Select(p => (double)p).ToArray();
        var labels = scored.GetColumn<bool>(Label).ToArray();
        return new TestMetrics(
            metrics.Accuracy,
            metrics.AreaUnderRocCurve,
            metrics.F1Score,
            BinaryMetrics.LogLoss(probabilities, labels),
            metrics.PositivePrecision,
            metrics.PositiveRecall);
    }

    /// <summary>
    /// The model after 1, 2, … n trees. Boosting with a fixed seed adds trees in the same order whatever their
    /// number, so the first k trees are the model k trees would have trained; FastTree's calibrator is the fixed
    /// sigmoid its loss was optimised for, so it applies to every prefix alike.
    /// </summary>
    private List<LearningCurvePoint> LearningCurve(RegressionTreeEnsemble ensemble, PlattCalibrator calibrator)
    {
        var trainScores = Enumerable.Repeat(ensemble.Bias, TrainRows).ToArray();
        var validationScores = Enumerable.Repeat(ensemble.Bias, ValidationRows).ToArray();
        var curve = new List<LearningCurvePoint>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            var weight = ensemble.TreeWeights[t];
            _trainRows.AddTree(tree, weight, trainScores);
            _validationRows.AddTree(tree, weight, validationScores);
            curve.Add(new LearningCurvePoint(
                t + 1,
                BinaryMetrics.LogLoss(Probabilities(trainScores, calibrator), _trainRows.Labels),
                BinaryMetrics.LogLoss(Probabilities(validationScores, calibrator), _validationRows.Labels),
                BinaryMetrics.Auc(validationScores, _validationRows.Labels)));
        }

        return curve;
    }

    private static double[] Probabilities(double[] scores, PlattCalibrator calibrator) =>
        [.. scores.Select(s => 1 / (1 + Math.Exp((calibrator.Slope * s) + calibrator.Offset)))];

    /// <summary>Feature vectors and labels of one split, read once so each tree can be scored against them.</summary>
    private sealed record Split(float[][] Rows, bool[] Labels)
    {
        public static Split Read(IDataView featurized) => new(
            [.. featurized.GetColumn<float[]>(Features)],
            [.. featurized.GetColumn<bool>(Label)]);

        public void AddTree(RegressionTree tree, double weight, double[] scores)
        {
            for (var row = 0; row < Rows.Length; row++)
            {
                scores[row] += weight * tree.LeafValues[Leaf(tree, Rows[row])];
            }
        }

        /// <summary>Walks one tree as FastTree does: at or below the threshold goes left; ~leaf marks a leaf.</summary>
        private static int Leaf(RegressionTree tree, float[] features)
        {
            if (tree.NumberOfLeaves == 1)
            {
                return 0;
            }

            var node = 0;
            while (node >= 0)
            {
                node = features[tree.NumericalSplitFeatureIndexes[node]] <= tree.NumericalSplitThresholds[node]
                    ? tree.LeftChild[node]
                    : tree.RightChild[node];
            }

            return ~node;
        }
    }
}
