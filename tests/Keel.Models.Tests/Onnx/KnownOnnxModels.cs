using Google.Protobuf;
using Keel.Models.Onnx.Proto;
using static Keel.Models.Onnx.Proto.TensorProto.Types;

namespace Keel.Models.Tests.Onnx;

/// <summary>
/// ONNX models written by hand from the IR (not through OnnxExporter), with the plain arithmetic they stand for,
/// so ONNX Runtime's answers can be checked against math that involves neither.
/// </summary>
internal static class KnownOnnxModels
{
    public static readonly float[] LogisticWeights = [0.5f, -1.25f, 2f];
    public const float LogisticBias = 0.1f;
    public const float TreeBase = 0.3f;

    /// <summary>
    /// features [N, 3] → score = w·x + b and probability = sigmoid(score), both [N, 1]; N is open unless
    /// <paramref name="fixedBatch"/> pins it.
    /// </summary>
    public static byte[] LogisticRegression(long? fixedBatch = null)
    {
        var graph = new GraphProto { Name = "logistic" };
        var input = Tensor("features", DataType.Float, 3);
        if (fixedBatch is { } batch)
        {
            input.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimValue = batch };
        }

        graph.Input.Add(input);
        graph.Initializer.Add(Floats("w", LogisticWeights, 3, 1));
        graph.Initializer.Add(Floats("b", [LogisticBias], 1));
        graph.Node.Add(Node("MatMul", ["features", "w"], "raw"));
        graph.Node.Add(Node("Add", ["raw", "b"], "score"));
        graph.Node.Add(Node("Sigmoid", ["score"], "probability"));
        graph.Output.Add(Tensor("score", DataType.Float, 1));
        graph.Output.Add(Tensor("probability", DataType.Float, 1));
        return Model(graph);
    }

    public static (double Score, double Probability) LogisticExpected(ReadOnlySpan<float> x)
    {
        var score = (double)LogisticBias;
        for (var i = 0; i < LogisticWeights.Length; i++)
        {
            score += LogisticWeights[i] * (double)x[i];
        }

        return (score, 1 / (1 + Math.Exp(-score)));
    }

    /// <summary>x [N, 2] → y [N, 1], the sum of two small trees plus <see cref="TreeBase"/> (see <see cref="TreesExpected"/>).</summary>
    public static byte[] TreeEnsemble()
    {
        var graph = new GraphProto { Name = "trees" };
        graph.Input.Add(Tensor("x", DataType.Float, 2));
        var node = Node("TreeEnsembleRegressor", ["x"], "y", "ai.onnx.ml");
        // Tree 0: x0 <= 0.5 ? 1.5 : (x1 <= -1 ? -2 : 0.25).  Tree 1: x1 <= 0 ? -0.5 : 0.75.
        node.Attribute.Add(Ints("nodes_treeids", 0, 0, 0, 0, 0, 1, 1, 1));
        node.Attribute.Add(Ints("nodes_nodeids", 0, 1, 2, 3, 4, 0, 1, 2));
        node.Attribute.Add(Ints("nodes_featureids", 0, 0, 1, 0, 0, 1, 0, 0));
        node.Attribute.Add(FloatsAttribute("nodes_values", 0.5f, 0, -1f, 0, 0, 0f, 0, 0));
        node.Attribute.Add(Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"));
        node.Attribute.Add(Ints("nodes_truenodeids", 1, 0, 3, 0, 0, 1, 0, 0));
        node.Attribute.Add(Ints("nodes_falsenodeids", 2, 0, 4, 0, 0, 2, 0, 0));
        node.Attribute.Add(Ints("target_treeids", 0, 0, 0, 1, 1));
        node.Attribute.Add(Ints("target_nodeids", 1, 3, 4, 1, 2));
        node.Attribute.Add(Ints("target_ids", 0, 0, 0, 0, 0));
        node.Attribute.Add(FloatsAttribute("target_weights", 1.5f, -2f, 0.25f, -0.5f, 0.75f));
        node.Attribute.Add(FloatsAttribute("base_values", TreeBase));
        node.Attribute.Add(new AttributeProto { Name = "n_targets", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(node);
        graph.Output.Add(Tensor("y", DataType.Float, 1));
        return Model(graph);
    }

    public static double TreesExpected(float x0, float x1)
    {
        var tree0 = x0 <= 0.5f ? 1.5 : x1 <= -1f ? -2 : 0.25;
        var tree1 = x1 <= 0f ? -0.5 : 0.75;
        return tree0 + tree1 + TreeBase;
    }

    /// <summary>One input of every element type Keel maps, each passed through Identity to "{name}_out".</summary>
    public static byte[] IdentityOfEveryType()
    {
        var graph = new GraphProto { Name = "identity" };
        (string Name, DataType Type, long[] RowShape)[] columns =
        [
            ("f", DataType.Float, [2, 2]),
            ("d", DataType.Double, [3]),
            ("i", DataType.Int32, []),
            ("l", DataType.Int64, [1]),
            ("b", DataType.Bool, []),
            ("s", DataType.String, [2]),
        ];
        foreach (var (name, type, rowShape) in columns)
        {
            graph.Input.Add(Tensor(name, type, rowShape));
            graph.Node.Add(Node("Identity", [name], $"{name}_out"));
            graph.Output.Add(Tensor($"{name}_out", type, rowShape));
        }

        return Model(graph);
    }

    private static byte[] Model(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "keel-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 3 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Tensor(string name, DataType type, params long[] rowShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.AddRange(rowShape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static NodeProto Node(string op, string[] inputs, string output, string domain = "")
    {
        var node = new NodeProto { OpType = op, Domain = domain, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto FloatsAttribute(string name, params float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    private static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }
}
