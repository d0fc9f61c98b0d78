using Keel.Core.Common;
using Keel.Core.Models;
using Microsoft.ML.OnnxRuntime;

namespace Keel.Models.Onnx;

/// <summary>
/// Scores an ONNX model with ONNX Runtime. One <see cref="InferenceSession"/> serves every caller, so
/// <see cref="Predict"/> is safe to call from many threads at once.
/// </summary>
/// <remarks>
/// The first dimension of every model input and output is the batch; the rest is the row's shape (-1 where the
/// model leaves a dimension open). An input of shape [N] reads a scalar column, fed as an [N] tensor; an output of
/// shape [N] or [N, 1] comes back as a scalar column. Inputs must be tensors of float, double, int32, int64, bool
/// or string. Outputs that are not such tensors (for example the <c>seq(map)</c> a ZipMap produces) are left out
/// of <see cref="Outputs"/> and of every result.
/// </remarks>
public sealed class OnnxPredictor : IPredictor
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private OnnxPredictor(InferenceSession session, IReadOnlyList<ColumnSchema> inputs, IReadOnlyList<ColumnSchema> outputs)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        _inputNames = [.. inputs.Select(i => i.Name)];
        _outputNames = [.. outputs.Select(o => o.Name)];
    }

    /// <inheritdoc />
    public string Flavor => "onnx";

    /// <inheritdoc />
    public IReadOnlyList<ColumnSchema> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<ColumnSchema> Outputs { get; }

    /// <summary>Loads the ONNX model at <paramref name="modelPath"/> into one ONNX Runtime session.</summary>
    /// <exception cref="KeelException">
    /// The file is missing (RESOURCE_DOES_NOT_EXIST), is not a model ONNX Runtime can load, or has an input Keel
    /// cannot feed (INVALID_PARAMETER_VALUE).
    /// </exception>
    public static OnnxPredictor Load(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
        {
            throw KeelException.NotFound($"No ONNX model at '{modelPath}'.");
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new KeelException(ErrorCode.InvalidParameterValue, $"ONNX Runtime cannot load '{modelPath}': {ex.Message}", ex);
        }

        try
        {
            var inputs = session.InputNames.Select(name => InputSchema(name, session.InputMetadata[name])).ToArray();
            var outputs = session.OutputNames
                .Select(name => OutputSchema(name, session.OutputMetadata[name]))
                .OfType<ColumnSchema>()
                .ToArray();
            return new OnnxPredictor(session, inputs, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public DataBatch Predict(DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new OrtValue[_inputNames.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = OnnxTensors.ToOrtValue(Inputs[i], input);
            }

            using var results = Run(values);
            var columns = new DataColumn[Outputs.Count];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = OnnxTensors.ToColumn(Outputs[i], results[i], input.RowCount);
            }

            return new DataBatch(columns);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(OrtValue[] values)
    {
        try
        {
            return _session.Run(_runOptions, _inputNames, values, _outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            // Shapes pass our checks but a node can still reject them (a fixed batch size, say): the caller's input.
            throw new KeelException(ErrorCode.InvalidParameterValue, $"The model rejected the batch: {ex.Message}", ex);
        }
    }

    private static ColumnSchema InputSchema(string name, NodeMetadata metadata)
    {
        var type = metadata.IsTensor ? OnnxTensors.DataTypeOf(metadata.ElementDataType) : null;
        if (type is null || metadata.Dimensions.Length == 0)
        {
            throw KeelException.InvalidParameter(
                $"Model input '{name}' is a {Describe(metadata)}; Keel feeds only batched tensors of float, double, int32, int64, bool or string.");
        }

        return new ColumnSchema(name, type.Value, metadata.Dimensions[1..]);
    }

    private static ColumnSchema? OutputSchema(string name, NodeMetadata metadata)
    {
        var type = metadata.IsTensor ? OnnxTensors.DataTypeOf(metadata.ElementDataType) : null;
        if (type is null)
        {
            return null;
        }

        var rowShape = metadata.Dimensions.Length <= 1 ? [] : metadata.Dimensions[1..];
        return new ColumnSchema(name, type.Value, rowShape is [1] ? [] : rowShape);
    }

    private static string Describe(NodeMetadata metadata) =>
        metadata.IsTensor
            ? $"tensor of {metadata.ElementDataType} with {metadata.Dimensions.Length} dimensions"
            : metadata.OnnxValueType.ToString();
}
