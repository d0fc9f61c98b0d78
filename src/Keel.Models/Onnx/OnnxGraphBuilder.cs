using Google.Protobuf;
using Keel.Core.Common;
using Keel.Models.Onnx.Proto;

namespace Keel.Models.Onnx;

/// <summary>
/// Grows one ONNX graph whose tensors are all batched: every output and intermediate value is [N, width], every
/// input [N, width] or, for a scalar column, [N]. Value names stay unique; the names given to <see cref="Reserve"/>
/// are kept for the graph's outputs.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const string MlDomain = "ai.onnx.ml";

    // ONNX 1.12 (IR 8) defines opset 17 and ai.onnx.ml 3: the newest every runtime and checker we meet knows.
    public const long IrVersion = 8;
    public const long Opset = 17;
    public const long MlOpset = 3;

    private const string BatchDimension = "N";

    private readonly GraphProto _graph = new() { Name = "keel" };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private string? _unsqueezeAxes;

    /// <summary>Keeps <paramref name="names"/> out of <see cref="Unique"/>'s reach, for outputs named later.</summary>
    public void Reserve(params string[] names)
    {
        foreach (var name in names)
        {
            if (!_names.Add(name))
            {
                throw KeelException.InvalidParameter($"An earlier step already writes '{name}', the name the exported model keeps for an output.");
            }

            _reserved.Add(name);
        }
    }

    public string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; !_names.Add(candidate); i++)
        {
            candidate = $"{name}.{i}";
        }

        return candidate;
    }

    public string AddInput(string name, TensorProto.Types.DataType type, long width)
    {
        var unique = Unique(name);
        _graph.Input.Add(ValueInfo(unique, type, width));
        return unique;
    }

    /// <summary>Adds an input of shape [N], one value per row, and returns the [N, 1] value it becomes.</summary>
    public string AddScalarInput(string name, TensorProto.Types.DataType type)
    {
        var unique = Unique(name);
        _graph.Input.Add(ValueInfo(unique, type, width: null));
        // Opset 13 moved Unsqueeze's axes from an attribute to an input; one initializer serves every column.
        _unsqueezeAxes ??= AddInitializer("unsqueeze_axes", [1L], 1);
        return AddNode("Unsqueeze", [unique, _unsqueezeAxes], $"{unique}_column");
    }

    /// <summary>Declares <paramref name="name"/>, a value some node already writes, as a graph output.</summary>
    public void AddOutput(string name, TensorProto.Types.DataType type, long width) =>
        _graph.Output.Add(ValueInfo(name, type, width));

    /// <summary>
    /// Records the type of an intermediate float value. Some <c>ai.onnx.ml</c> operators (Scaler) have no type
    /// inference in onnx 1.12, and its strict checker then rejects whatever reads their output.
    /// </summary>
    public Value Declare(Value value)
    {
        _graph.ValueInfo.Add(ValueInfo(value.Name, TensorProto.Types.DataType.Float, value.Width));
        return value;
    }

    public string AddInitializer(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string AddInitializer(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node writing <paramref name="output"/>: the name as is the first time it is reserved, else made unique.</summary>
    public string AddNode(string opType, string[] inputs, string output, string domain = "", params AttributeProto[] attributes)
    {
        var name = _reserved.Remove(output) ? output : Unique(output);
        var node = new NodeProto { OpType = opType, Domain = domain, Name = Unique($"{opType}_{name}") };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return name;
    }

    public ModelProto ToModel(string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "keel",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = MlOpset });
        return model;
    }

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, IEnumerable<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attribute(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return attribute;
    }

    // [N, width], or [N] without a width.
    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long? width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        if (width is { } w)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
