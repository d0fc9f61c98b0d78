using System.Collections.Immutable;
using System.Reflection;
using Keel.Core.Common;
using Keel.Models.Onnx.Proto;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;
using static Keel.Models.Onnx.OnnxGraphBuilder;

namespace Keel.Models.Onnx;

/// <summary>Translates one ML.NET transformer chain, step by step, into an ONNX graph.</summary>
internal sealed class MlNetGraphExport(DataViewSchema inputSchema)
{
    public const string Supported =
        "TransformerChain, ColumnConcatenatingTransformer, NormalizingTransformer (min-max or mean-variance), and a final "
        + "BinaryPredictionTransformer (LinearBinaryModelParameters, optionally calibrated by PlattCalibrator, e.g. LbfgsLogisticRegression "
        + "or SdcaLogisticRegression; FastTreeBinaryModelParameters calibrated by PlattCalibrator) or RegressionPredictionTransformer "
        + "(LinearRegressionModelParameters from SDCA or online gradient descent, OlsModelParameters, FastTreeRegressionModelParameters)";

    private const string Score = "Score";
    private const string Probability = "Probability";
    private const string PredictedLabel = "PredictedLabel";

    // ML.NET keeps which columns a concatenation joins and a normalizer reads internal; reflection is the only way in.
    private static readonly PropertyInfo? ConcatColumns =
        typeof(ColumnConcatenatingTransformer).GetProperty("Columns", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static readonly FieldInfo? NormalizerColumns =
        typeof(NormalizingTransformer).GetField("ColumnPairs", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private readonly OnnxGraphBuilder _graph = new();
    private readonly Dictionary<string, Value> _columns = new(StringComparer.Ordinal);
    private bool _predicted;

    public void Add(ITransformer transformer)
    {
        if (_predicted)
        {
            throw Unsupported(transformer.GetType(), "after the prediction transformer");
        }

        switch (transformer)
        {
            case IEnumerable<ITransformer> chain:
                foreach (var step in chain)
                {
                    Add(step);
                }

                break;
            case ColumnConcatenatingTransformer concat:
                AddConcat(concat);
                break;
            case NormalizingTransformer normalizer:
                AddNormalizer(normalizer);
                break;
            case ISingleFeaturePredictionTransformer<object> prediction:
                AddPrediction(prediction);
                break;
            default:
                throw Unsupported(transformer.GetType());
        }
    }

    public ModelProto Finish()
    {
        if (!_predicted)
        {
            throw KeelException.InvalidParameter($"The model ends without a prediction transformer; the ONNX export supports {Supported}.");
        }

        return _graph.ToModel(typeof(MlNetGraphExport).Assembly.GetName().Version?.ToString() ?? string.Empty);
    }

    private void AddConcat(ColumnConcatenatingTransformer concat)
    {
        var columns = ConcatColumns?.GetValue(concat) as IEnumerable<(string Output, string[] Inputs)>
            ?? throw Unsupported(concat.GetType(), "(this ML.NET version hides its columns)");
        foreach (var (output, inputs) in columns)
        {
            var parts = inputs.Select(Resolve).ToArray();
            _columns[output] = parts.Length == 1
                ? parts[0]
                : _graph.Declare(new Value(
                    _graph.AddNode("Concat", [.. parts.Select(p => p.Name)], output, attributes: Attribute("axis", 1L)),
                    parts.Sum(p => p.Width)));
        }
    }

    private void AddNormalizer(NormalizingTransformer normalizer)
    {
        var columns = NormalizerColumns?.GetValue(normalizer) as (string Output, string Input)[]
            ?? throw Unsupported(normalizer.GetType(), "(this ML.NET version hides its columns)");
        for (var i = 0; i < columns.Length; i++)
        {
            var (output, input) = columns[i];
            var source = Resolve(input);
            var parameters = normalizer.GetNormalizerModelParameters(i);
            (float[] scale, float[] offset) = parameters switch
            {
                NormalizingTransformer.AffineNormalizerModelParameters<float> p => ([p.Scale], [p.Offset]),
                NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> p =>
                    // ML.NET leaves the offset out when it is zero everywhere (min-max with fixZero).
                    (p.Scale.ToArray(), p.Offset.IsDefaultOrEmpty ? new float[p.Scale.Length] : p.Offset.ToArray()),
                _ => throw Unsupported(parameters.GetType(), $"(normalizing column '{output}')"),
            };
            if (scale.Length != source.Width || offset.Length != source.Width)
            {
                throw KeelException.InvalidParameter(
                    $"The normalizer of column '{output}' holds {scale.Length} scales for {source.Width} values.");
            }

            // ai.onnx.ml Scaler computes (x - offset) * scale, which is ML.NET's affine normalizer.
            var name = _graph.AddNode("Scaler", [source.Name], output, MlDomain, Attribute("offset", offset), Attribute("scale", scale));
            _columns[output] = _graph.Declare(new Value(name, source.Width));
        }
    }

    private void AddPrediction(ISingleFeaturePredictionTransformer<object> prediction)
    {
        var kind = prediction.GetType().IsGenericType ? prediction.GetType().GetGenericTypeDefinition() : null;
        var features = Resolve(prediction.FeatureColumnName);
        _graph.Reserve(Score, Probability, PredictedLabel);
        PlattCalibrator? calibrator = null;
        if (kind == typeof(BinaryPredictionTransformer<>))
        {
            calibrator = prediction.Model switch
            {
                CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator> m => AddLinear(features, m.SubModel, m.Calibrator),
                CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> m => AddTrees(features, m.SubModel.TrainedTreeEnsemble, m.Calibrator),
                LinearBinaryModelParameters m => AddLinear(features, m, null),
                _ => throw Unsupported(prediction.Model.GetType()),
            };
            _graph.AddOutput(Score, TensorProto.Types.DataType.Float, 1);
            AddBinaryOutputs(calibrator);
        }
        else if (kind == typeof(RegressionPredictionTransformer<>))
        {
            _ = prediction.Model switch
            {
                LinearRegressionModelParameters m => AddLinear(features, m, null),
                // OLS lives in Microsoft.ML.Mkl.Components, which Keel does not reference; its score is the plain linear one.
                RegressionModelParameters m when m.GetType().FullName == "Microsoft.ML.Trainers.OlsModelParameters" => AddLinear(features, m, null),
                FastTreeRegressionModelParameters m => AddTrees(features, m.TrainedTreeEnsemble, null),
                _ => throw Unsupported(prediction.Model.GetType()),
            };
            _graph.AddOutput(Score, TensorProto.Types.DataType.Float, 1);
        }
        else
        {
            throw Unsupported(prediction.GetType());
        }

        _predicted = true;
    }

    private PlattCalibrator? AddLinear(Value features, LinearModelParameters model, PlattCalibrator? calibrator)
    {
        var weights = model.Weights.ToArray();
        CheckWidth(model, features, weights.Length);
        var w = _graph.AddInitializer("weights", weights, weights.Length, 1);
        var b = _graph.AddInitializer("bias", [model.Bias], 1);
        var product = _graph.AddNode("MatMul", [features.Name, w], "product");
        _graph.AddNode("Add", [product, b], Score);
        return calibrator;
    }

    private PlattCalibrator? AddTrees(Value features, RegressionTreeEnsemble ensemble, PlattCalibrator? calibrator)
    {
        OnnxTreeEnsemble.Add(_graph, features.Name, features.Width, ensemble, Score);
        return calibrator;
    }

    private void AddBinaryOutputs(PlattCalibrator? calibrator)
    {
        // ML.NET labels a row true when its score, not its probability, is above zero.
        var zero = _graph.AddInitializer("zero", [0f], 1);
        _graph.AddNode("Greater", [Score, zero], PredictedLabel);
        _graph.AddOutput(PredictedLabel, TensorProto.Types.DataType.Bool, 1);
        if (calibrator is null)
        {
            return;
        }

        // Platt: p = 1 / (1 + exp(slope * score + offset)) = sigmoid(-slope * score - offset).
        var slope = _graph.AddInitializer("platt_slope", [(float)-calibrator.Slope], 1);
        var offset = _graph.AddInitializer("platt_offset", [(float)-calibrator.Offset], 1);
        var scaled = _graph.AddNode("Mul", [Score, slope], "platt_scaled");
        var shifted = _graph.AddNode("Add", [scaled, offset], "platt_logit");
        _graph.AddNode("Sigmoid", [shifted], Probability);
        _graph.AddOutput(Probability, TensorProto.Types.DataType.Float, 1);
    }

    private Value Resolve(string column)
    {
        if (_columns.TryGetValue(column, out var known))
        {
            return known;
        }

        var type = inputSchema.GetColumnOrNull(column)?.Type
            ?? throw KeelException.InvalidParameter($"The model reads column '{column}', which the input schema lacks.");
        var value = type switch
        {
            // MLflow's onnx flavor feeds each data frame column as a rank-1 array, so a scalar column enters as [N]
            // and is lifted to the [N, 1] the rest of the graph works on.
            NumberDataViewType number when number == NumberDataViewType.Single =>
                new Value(_graph.AddScalarInput(column, TensorProto.Types.DataType.Float), 1),
            VectorDataViewType { IsKnownSize: true } vector when vector.ItemType == NumberDataViewType.Single =>
                new Value(_graph.AddInput(column, TensorProto.Types.DataType.Float, vector.Size), vector.Size),
            _ => throw KeelException.InvalidParameter(
                $"Input column '{column}' is {type}; the ONNX export reads only float (Single) columns and fixed-size float vectors."),
        };
        _columns[column] = value;
        return value;
    }

    private static void CheckWidth(object model, Value features, int expected)
    {
        if (features.Width != expected)
        {
            throw KeelException.InvalidParameter($"{Describe(model.GetType())} has {expected} weights for {features.Width} features.");
        }
    }

    private static KeelException Unsupported(Type type, string? context = null) =>
        KeelException.InvalidParameter(
            $"The ONNX export does not support {Describe(type)}{(context is null ? "" : " " + context)}. It supports {Supported}.");

    private static string Describe(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>"
            : type.Name;

}

/// <summary>The ONNX value holding an ML.NET column: [N, <see cref="Width"/>] floats.</summary>
internal readonly record struct Value(string Name, long Width);
